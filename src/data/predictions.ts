/**
 * The predictions file — one row per photo, `image,subject,label,score[,…]` — in one place: what
 * `predict` and `train` (its out-of-fold predictions) write and what `evaluate` reads. Labels are
 * 0/1 (1 = the screen's positive class), scores the calibrated probability of the positive class.
 */
import { parseCsv, toCsv } from '../io/index.js';
import { columnIndex, parseNumber, tableError } from './columns.js';

/** The leading columns, in order; any other column (covariates, per-class probabilities) follows. */
export const PREDICTION_COLUMNS = ['image', 'subject', 'label', 'score'] as const;

/**
 * The predictions CSV: the leading columns first (a binary screen's `score`; a multi-class one has
 * none), then `columns` in the order given (duplicates of a leading column dropped).
 */
export function predictionsCsv(
  rows: readonly Record<string, unknown>[],
  options: { columns?: readonly string[]; score?: boolean } = {},
): string {
  const lead = PREDICTION_COLUMNS.filter((c) => c !== 'score' || options.score !== false);
  const rest = (options.columns ?? []).filter((c) => !(PREDICTION_COLUMNS as readonly string[]).includes(c));
  return toCsv([...lead, ...new Set(rest)], rows);
}

/** A predictions file: one row per photo. */
export interface PredictionTable {
  image: string[];
  subject: string[];
  label: number[];
  score: number[];
  /** Every other column, by name, as text (empty = missing). */
  covariates: Record<string, string[]>;
  /** File line of each row. */
  lines: number[];
}

/**
 * Parses predictions `image,subject,label,score` plus any covariate columns — the format `train`
 * writes for out-of-fold predictions and `predict` writes for a labelled set. Labels must be 0 or
 * 1, scores finite numbers (NaN, empty, "inf" are refused with the line), images unique.
 */
export function parsePredictionsCsv(text: string, file = 'predictions'): PredictionTable {
  const table = parseCsv(text, file);
  const [ci, cs, cl, cv] = ['image', 'subject', 'label', 'score'].map((n) => columnIndex(table, n, file));
  const covNames = table.header.filter((_, i) => ![ci, cs, cl, cv].includes(i));
  const out: PredictionTable = {
    image: [],
    subject: [],
    label: [],
    score: [],
    covariates: {},
    lines: table.lines,
  };
  for (const n of covNames) out.covariates[n] = [];
  const seen = new Map<string, number>();
  table.rows.forEach((r, k) => {
    const line = table.lines[k];
    const image = r[ci];
    if (image === '')
      tableError('invalid_csv', `${file} line ${line}: image is empty`, { file, row: line, column: 'image' });
    if (seen.has(image)) {
      tableError(
        'duplicate_row',
        `${file} line ${line}: image "${image}" already appears on line ${seen.get(image)}`,
        {
          file,
          row: line,
          image,
        },
      );
    }
    seen.set(image, line);
    if (r[cs] === '')
      tableError('invalid_csv', `${file} line ${line}: subject is empty`, {
        file,
        row: line,
        column: 'subject',
      });
    if (r[cl] !== '0' && r[cl] !== '1') {
      tableError('invalid_label', `${file} line ${line}: label is "${r[cl]}"; it must be 0 or 1`, {
        file,
        row: line,
        column: 'label',
        value: r[cl],
      });
    }
    out.image.push(image);
    out.subject.push(r[cs]);
    out.label.push(Number(r[cl]));
    out.score.push(parseNumber(r[cv], 'score', file, line, 'invalid_score'));
    for (const n of covNames) out.covariates[n].push(r[table.header.indexOf(n)]);
  });
  if (out.image.length === 0) tableError('empty_input', `${file} has a header but no rows`, { file });
  return out;
}
