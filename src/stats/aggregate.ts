/**
 * From photos to subjects: one score per person, so that a subject with ten photos does not
 * count ten times.
 */
import type { StatsWarning } from './types.js';
import {
  checkConsistentLength,
  statsError,
  toBinaryLabels,
  toFiniteScores,
  type NumericArray,
} from './validate.js';
import { lookUpOption } from '../util/index.js';

export const AGGREGATIONS = ['mean', 'max'] as const;
/** How photo scores combine into a subject score: their mean, or their maximum. */
export type Aggregation = (typeof AGGREGATIONS)[number];

/**
 * The subjects with cases under more than one label (a matched case–control design within
 * subject: a phantom and its own unmodified photo).
 */
export function mixedLabelSubjects(
  subjects: ArrayLike<string | number>,
  labels: ArrayLike<number>,
): Set<string> {
  const first = new Map<string, number>();
  const mixed = new Set<string>();
  for (let i = 0; i < labels.length; i++) {
    const key = String(subjects[i]);
    if ((first.get(key) ?? labels[i]) !== labels[i]) mixed.add(key);
    first.set(key, labels[i]);
  }
  return mixed;
}

/** One row per subject (per subject and label with `mixedLabels: 'split'`), in order of first appearance. */
export interface SubjectScores {
  /** The subject of each row; repeated when a subject's photos are split by label. */
  subject: string[];
  label: number[];
  score: number[];
  /** Photos per subject. */
  nPhotos: number[];
  /** Covariates per subject: the value shared by its photos, or null if they differ. */
  covariates: Record<string, (string | null)[]>;
  /** The rule used, recorded in every output. */
  aggregation: Aggregation;
  warnings: StatsWarning[];
}

/**
 * Aggregates photo-level scores to subject level by their mean or maximum. A subject's photos
 * must share one label (`inconsistent_subject_label` naming the subject and index otherwise), unless
 * `mixedLabels` is "split": then a subject with photos under both labels (a matched case–control
 * design within subject) gives one row per label — averaging a case with its own control would
 * erase the very difference studied — with a `mixed_label_subjects` warning; the rows share the
 * subject id, so a subject bootstrap keeps them together.
 * A covariate that differs between a subject's photos (e.g. age band across follow-up visits) is
 * null for that subject, with a `covariate_varies_within_subject` warning.
 *
 * @example
 * aggregateBySubject(['a', 'a', 'b'], [1, 1, 0], [0.2, 0.6, 0.3], { method: 'max' })
 * // { subject: ['a', 'b'], label: [1, 0], score: [0.6, 0.3], nPhotos: [2, 1], … }
 */
export function aggregateBySubject(
  subjects: ArrayLike<string | number>,
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  options: {
    method?: Aggregation;
    covariates?: Record<string, ArrayLike<string>>;
    mixedLabels?: 'refuse' | 'split';
  } = {},
): SubjectScores {
  const method = lookUpOption('method', options.method ?? 'mean', AGGREGATIONS);
  const covariates = options.covariates ?? {};
  checkConsistentLength({ subjects, yTrue, yScore, ...covariates });
  const y = toBinaryLabels(yTrue);
  const s = toFiniteScores(yScore);
  const index = new Map<string, number>();
  const out: SubjectScores = {
    subject: [],
    label: [],
    score: [],
    nPhotos: [],
    covariates: Object.fromEntries(Object.keys(covariates).map((k) => [k, []])),
    aggregation: method,
    warnings: [],
  };
  const split = options.mixedLabels === 'split';
  const varying = new Set<string>();
  for (let i = 0; i < y.length; i++) {
    const key = String(subjects[i]);
    // With split, rows are keyed by (subject, label).
    const row = split ? `${key}\u0000${y[i]}` : key;
    let j = index.get(row);
    if (j === undefined) {
      j = out.subject.length;
      index.set(row, j);
      out.subject.push(key);
      out.label.push(y[i]);
      out.score.push(s[i]);
      out.nPhotos.push(1);
      for (const [name, values] of Object.entries(covariates)) out.covariates[name].push(values[i]);
      continue;
    }
    if (out.label[j] !== y[i]) {
      statsError(
        'inconsistent_subject_label',
        `subject "${key}" has photos labelled both 0 and 1 (index ${i})`,
        {
          subject: key,
          index: i,
        },
      );
    }
    out.score[j] = method === 'max' ? Math.max(out.score[j], s[i]) : out.score[j] + s[i];
    out.nPhotos[j]++;
    for (const [name, values] of Object.entries(covariates)) {
      if (out.covariates[name][j] !== null && out.covariates[name][j] !== values[i]) {
        out.covariates[name][j] = null;
        varying.add(name);
      }
    }
  }
  if (method === 'mean') for (let j = 0; j < out.score.length; j++) out.score[j] /= out.nPhotos[j];
  const mixed = split ? mixedLabelSubjects(subjects, y) : new Set<string>();
  if (mixed.size > 0) {
    out.warnings.push({
      code: 'mixed_label_subjects',
      metric: 'aggregation',
      message: `${mixed.size} subjects have photos under both labels (a matched case–control design within subject): their photos are aggregated per subject and label, one row each`,
    });
  }
  for (const name of varying) {
    out.warnings.push({
      code: 'covariate_varies_within_subject',
      metric: name,
      message: `${name} differs between photos of one subject; those subjects have no ${name} at subject level`,
    });
  }
  return out;
}
