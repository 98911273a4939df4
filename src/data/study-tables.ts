/**
 * Parsing of the two study files, from text (no file I/O here): predictions
 * `image,subject,label,score[,covariates…]` and reader ratings `image,reader,rating[,reader_level]`.
 * Every error names the file and its 1-based line (the header is line 1).
 */
import { statsError } from '../stats/validate.js';

import { parseCsv, type CsvTable } from '../io/csv-read.js';

export { parseCsv, type CsvTable };

function columnIndex(table: CsvTable, name: string, file: string): number {
  const i = table.header.indexOf(name);
  if (i < 0) {
    statsError('missing_column', `${file} has no "${name}" column (columns: ${table.header.join(', ')})`, {
      file,
      column: name,
      columns: table.header,
    });
  }
  return i;
}

function parseNumber(
  value: string,
  column: string,
  file: string,
  line: number,
  code: 'invalid_score' | 'invalid_rating',
): number {
  const v = value === '' ? NaN : Number(value);
  if (!Number.isFinite(v)) {
    statsError(
      code,
      `${file} line ${line}: ${column} is ${value === '' ? 'missing' : `"${value}"`}; it must be a finite number`,
      {
        file,
        row: line,
        column,
        value,
      },
    );
  }
  return v;
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
      statsError('invalid_csv', `${file} line ${line}: image is empty`, { file, row: line, column: 'image' });
    if (seen.has(image)) {
      statsError(
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
      statsError('invalid_csv', `${file} line ${line}: subject is empty`, {
        file,
        row: line,
        column: 'subject',
      });
    if (r[cl] !== '0' && r[cl] !== '1') {
      statsError('invalid_label', `${file} line ${line}: label is "${r[cl]}"; it must be 0 or 1`, {
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
  if (out.image.length === 0) statsError('empty_input', `${file} has a header but no rows`, { file });
  return out;
}

/** A readers file: one row per (image, reader) rating. */
export interface ReaderRatingTable {
  image: string[];
  reader: string[];
  rating: number[];
  /** The reader's level (e.g. "consultant", "resident"); null when the column is absent or empty. */
  readerLevel: (string | null)[];
  lines: number[];
}

/**
 * Parses reader ratings `image,reader,rating[,reader_level]`. Ratings are numbers (binary 0/1,
 * ordinal 1–5 or 0–100; the scale is decided per reader later); one rating per image and reader.
 */
export function parseReadersCsv(text: string, file = 'readers'): ReaderRatingTable {
  const table = parseCsv(text, file);
  const [ci, cr, cv] = ['image', 'reader', 'rating'].map((n) => columnIndex(table, n, file));
  const cLevel = table.header.indexOf('reader_level');
  const out: ReaderRatingTable = { image: [], reader: [], rating: [], readerLevel: [], lines: table.lines };
  const seen = new Map<string, number>();
  table.rows.forEach((r, k) => {
    const line = table.lines[k];
    const key = `${r[ci]}\u0000${r[cr]}`;
    if (r[ci] === '' || r[cr] === '') {
      statsError('invalid_csv', `${file} line ${line}: image and reader must not be empty`, {
        file,
        row: line,
      });
    }
    if (seen.has(key)) {
      statsError(
        'duplicate_row',
        `${file} line ${line}: reader "${r[cr]}" already rated image "${r[ci]}" on line ${seen.get(key)}`,
        {
          file,
          row: line,
        },
      );
    }
    seen.set(key, line);
    out.image.push(r[ci]);
    out.reader.push(r[cr]);
    out.rating.push(parseNumber(r[cv], 'rating', file, line, 'invalid_rating'));
    out.readerLevel.push(cLevel >= 0 && r[cLevel] !== '' ? r[cLevel] : null);
  });
  if (out.image.length === 0) statsError('empty_input', `${file} has a header but no rows`, { file });
  return out;
}
