/**
 * The evaluation of a study: the statistics at photo and subject level, subgroups and the comparison
 * with readers, as the numbers `metrics.json` holds at full precision (the figures and `summary.md`
 * are drawn from them). `evaluateStudy` is pure (tables in, metrics out); the `evaluate` job (jobs/evaluate.ts)
 * reads the files and writes the report.
 */
import type { PredictionTable, ReaderRatingTable } from '../data/index.js';
import {
  aggregateBySubject,
  compareWithReaders,
  diagnosticAccuracy,
  mixedLabelSubjects,
  subgroupTable,
  type Aggregation,
  type DiagnosticAccuracy,
  type ReaderStudy,
  type StatsWarning,
  type SubgroupTable,
  type ThresholdSpec,
} from '../stats/index.js';
import { EndofaceError, SOFTWARE_VERSION } from '../core/index.js';

export const DISCLAIMER =
  'endoface is research software, not a medical device; these results must not be used to diagnose, treat or exclude any condition.';

/** Options of the evaluation (the CLI's flags). */
export interface EvaluationOptions {
  /** How photo scores combine into subject scores, default "mean". */
  aggregate?: Aggregation;
  /** Covariates to tabulate (columns of the predictions file). */
  by?: string[];
  /** Pre-declared thresholds, default 0.5, Youden, sensitivity ≥ 0.9. */
  thresholds?: ThresholdSpec[];
  /** Primary threshold for the reader comparison (McNemar, kappa), default the first numeric threshold or 0.5. */
  readerThreshold?: number;
  prevalence?: number;
  level?: number;
  nResamples?: number;
  seed?: number;
}

/** Everything written to metrics.json. */
export interface EvaluationMetrics {
  software: { name: 'endoface'; version: string };
  disclaimer: string;
  inputs: { predictions: InputFile; readers: InputFile | null };
  options: Required<Omit<EvaluationOptions, 'prevalence' | 'readerThreshold'>> & {
    prevalence: number | null;
    readerThreshold: number;
  };
  /** Photo-level analysis; bootstrap intervals resample subjects. */
  photo: DiagnosticAccuracy;
  /** Subject-level analysis on aggregated scores. */
  subject: DiagnosticAccuracy & { aggregation: Aggregation };
  readers: ReaderStudy | null;
  /** Subjects with photos under both labels (matched case and control within subject). */
  mixedLabelSubjects: number;
  subgroups: { photo: SubgroupTable[]; subject: SubgroupTable[] };
  warnings: StatsWarning[];
}

/** A file read, identified by name, size in rows and content hash. */
export interface InputFile {
  file: string;
  sha256: string;
  rows: number;
}

/** Runs every analysis on parsed tables. Pure and deterministic for a given seed. */
export function evaluateStudy(
  predictions: PredictionTable,
  ratings: ReaderRatingTable | null,
  options: EvaluationOptions = {},
  inputs: EvaluationMetrics['inputs'] = {
    predictions: { file: '', sha256: '', rows: predictions.image.length },
    readers: null,
  },
): EvaluationMetrics {
  const resolved = {
    aggregate: options.aggregate ?? 'mean',
    by: options.by ?? [],
    thresholds: options.thresholds ?? [0.5, 'youden', { sensitivity: 0.9 }],
    level: options.level ?? 0.95,
    nResamples: options.nResamples ?? 2000,
    seed: options.seed ?? 20240229,
    prevalence: options.prevalence ?? null,
    readerThreshold:
      options.readerThreshold ??
      (options.thresholds ?? [0.5]).find((t): t is number => typeof t === 'number') ??
      0.5,
  };
  for (const name of resolved.by) {
    if (!(name in predictions.covariates)) {
      throw new EndofaceError(
        'missing_column',
        `by: the predictions have no column "${name}" (covariates: ${Object.keys(predictions.covariates).join(', ') || 'none'})`,
        {
          parameter: 'by',
          value: name,
        },
      );
    }
  }
  const common = {
    thresholds: resolved.thresholds,
    level: resolved.level,
    nResamples: resolved.nResamples,
    seed: resolved.seed,
    prevalence: resolved.prevalence ?? undefined,
  };
  const { label, score, subject } = predictions;
  const nPositive = label.filter((v) => v === 1).length;
  if (nPositive === 0 || nPositive === label.length) {
    throw new EndofaceError(
      'single_class',
      `${inputs.predictions.file || 'predictions'}: every label is ${nPositive === 0 ? 0 : 1} (${label.length} photos); an evaluation needs patients and controls`,
      { file: inputs.predictions.file, nPositive, nNegative: label.length - nPositive },
    );
  }
  const photo = diagnosticAccuracy(label, score, subject, common);
  // A subject photographed as a case and as their own control is a design, not an error.
  const agg = aggregateBySubject(subject, label, score, {
    method: resolved.aggregate,
    mixedLabels: 'split',
    covariates: Object.fromEntries(resolved.by.map((b) => [b, predictions.covariates[b]])),
  });
  const subjectLevel = {
    aggregation: agg.aggregation,
    ...diagnosticAccuracy(agg.label, agg.score, agg.subject, common),
  };
  const subgroupOptions = { threshold: resolved.readerThreshold, level: resolved.level };
  const subgroups = {
    photo: resolved.by.map((b) => subgroupTable(label, score, predictions.covariates[b], b, subgroupOptions)),
    subject: resolved.by.map((b) =>
      subgroupTable(
        agg.label,
        agg.score,
        agg.covariates[b].map((v) => v ?? ''),
        b,
        subgroupOptions,
      ),
    ),
  };
  const readers =
    ratings === null
      ? null
      : compareWithReaders(predictions, ratings, {
          threshold: resolved.readerThreshold,
          level: resolved.level,
          nResamples: resolved.nResamples,
          seed: resolved.seed,
        });
  const tag = (where: string, ws: StatsWarning[]) =>
    ws.map((w) => ({ ...w, metric: `${where}:${w.metric ?? ''}` }));
  return {
    software: { name: 'endoface', version: SOFTWARE_VERSION },
    disclaimer: DISCLAIMER,
    inputs,
    options: resolved,
    photo,
    subject: subjectLevel,
    readers,
    mixedLabelSubjects: mixedLabelSubjects(subject, label).size,
    subgroups,
    warnings: once([
      ...tag('photo', photo.warnings),
      ...tag('subject', [...agg.warnings, ...subjectLevel.warnings]),
      ...tag(
        'subgroups',
        [...subgroups.photo, ...subgroups.subject].flatMap((t) => t.warnings),
      ),
      ...tag('readers', readers?.warnings ?? []),
    ]),
  };
}

/** Drops repeats of a warning (same code and message, e.g. from photo and subject level): said once is enough. */
function once(warnings: StatsWarning[]): StatsWarning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.code}\u0000${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * JSON with non-finite numbers kept: ±Infinity (the ROC curve's first threshold) is written as
 * the string "Infinity" / "-Infinity" instead of JSON.stringify's silent null.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
}
