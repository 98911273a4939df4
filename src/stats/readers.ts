/**
 * Model versus expert readers, reader by reader: each reader's accuracy on the photos they rated,
 * their operating point set against the model's ROC curve on the same photos, the paired test
 * that fits their rating scale, and agreement (kappa).
 */
import { confusionAtThresholds, type ConfusionAtThresholds } from './confusion.js';
import { delongCi, delongTest, type DelongCi, type DelongTest } from './delong.js';
import { cohenKappa } from './kappa.js';
import { mcnemarTest, pairedTable, type McnemarTest } from './mcnemar.js';
import { wilsonInterval } from './proportions.js';
import {
  callsAtThreshold,
  classificationMetrics,
  countConfusion,
  type ClassificationMetrics,
} from './threshold-metrics.js';
import { thresholdForSpecificity } from './thresholds.js';
import type { ProportionEstimate, StatsWarning } from './types.js';
import { statsError } from './validate.js';

export const RATING_SCALES = ['binary', 'ordinal', 'continuous'] as const;
/** binary: 0/1 calls; ordinal: integer confidence 1–5; continuous: 0–100. */
export type RatingScale = (typeof RATING_SCALES)[number];

/** The model's predictions on the study photos. */
export interface ModelPredictions {
  image: readonly string[];
  subject: readonly string[];
  label: ArrayLike<number>;
  score: ArrayLike<number>;
}

/** Reader ratings, one per (image, reader). `lines` (file lines) make errors name the row. */
export interface ReaderRatings {
  image: readonly string[];
  reader: readonly string[];
  rating: ArrayLike<number>;
  readerLevel?: readonly (string | null)[];
  lines?: readonly number[];
}

/**
 * Decides a reader's scale from their ratings: all in {0, 1} → binary; all integers 1–5 →
 * ordinal; all in [0, 100] → continuous; otherwise `invalid_rating`.
 */
export function detectRatingScale(ratings: ArrayLike<number>, reader = 'reader'): RatingScale {
  let binary = true;
  let ordinal = true;
  for (let i = 0; i < ratings.length; i++) {
    const v = ratings[i];
    if (v !== 0 && v !== 1) binary = false;
    if (!(Number.isInteger(v) && v >= 1 && v <= 5)) ordinal = false;
    if (!(v >= 0 && v <= 100)) {
      statsError('invalid_rating', `reader "${reader}" gave rating ${v}; ratings must be 0/1, 1–5 or 0–100`, {
        reader,
        value: v,
      });
    }
  }
  return binary ? 'binary' : ordinal ? 'ordinal' : 'continuous';
}

/** A reader's operating point and where it lies relative to the model's ROC curve. */
export interface ReaderOperatingPoint {
  /** For ordinal/continuous readers, "rating ≥ cut is positive"; null for binary calls. */
  ratingCut: number | null;
  sensitivity: number;
  specificity: number;
  /** The model's best sensitivity among its thresholds with specificity ≥ the reader's. */
  modelSensitivityAtReaderSpecificity: number;
  /** The model's best specificity among its thresholds with sensitivity ≥ the reader's. */
  modelSpecificityAtReaderSensitivity: number;
  /** modelSensitivityAtReaderSpecificity − sensitivity: > 0 means the reader is below the curve. */
  sensitivityGap: number;
  specificityGap: number;
  /** Reader's point relative to the model's empirical ROC curve. */
  position: 'above' | 'on' | 'below';
}

/** Paired comparisons of binary calls at one model threshold. */
export interface McnemarPair {
  /** Model threshold used (score ≥ threshold is positive). */
  threshold: number;
  /** On the positive cases: rows model 1/0, columns reader 1/0. */
  onPositives: { exact: McnemarTest; midP: McnemarTest };
  /** On the negative cases. */
  onNegatives: { exact: McnemarTest; midP: McnemarTest };
}

/** One reader's results. */
export interface ReaderResult {
  reader: string;
  level: string | null;
  scale: RatingScale;
  nImages: number;
  nPositive: number;
  nNegative: number;
  /** The model on exactly this reader's images. */
  modelAuc: DelongCi | null;
  /** The reader's AUC (ordinal/continuous ratings as scores); null for binary calls. */
  readerAuc: DelongCi | null;
  /** Paired DeLong test, model vs reader ratings (ordinal/continuous). */
  delong: DelongTest | null;
  /** Metrics of the reader's calls (binary readers). */
  metrics: ClassificationMetrics | null;
  /** Binary: one point; ordinal/continuous: one per rating cut. */
  operatingPoints: ReaderOperatingPoint[];
  /** Binary readers: McNemar at the primary model threshold. */
  mcnemar: McnemarPair | null;
  /** Binary readers: at the model threshold matched to the reader's specificity, the sensitivities compared. */
  matchedSpecificity: {
    threshold: number;
    modelSensitivity: ProportionEstimate;
    readerSensitivity: ProportionEstimate;
    mcnemar: { exact: McnemarTest; midP: McnemarTest };
  } | null;
  /** Binary readers: Cohen's kappa between the model's calls at the primary threshold and the reader's. */
  kappaWithModel: number | null;
  warnings: StatsWarning[];
}

/** Where the reader's cases are in the predictions, and the subset arrays. */
export interface ReaderCases {
  reader: string;
  level: string | null;
  /** Indices into the predictions. */
  cases: number[];
  rating: number[];
}

/** Groups ratings by reader and resolves images against the predictions (`unknown_image` names the line). */
export function groupRatingsByReader(predictions: ModelPredictions, ratings: ReaderRatings): ReaderCases[] {
  const imageIndex = new Map<string, number>();
  predictions.image.forEach((im, i) => imageIndex.set(im, i));
  const byReader = new Map<string, ReaderCases>();
  for (let i = 0; i < ratings.image.length; i++) {
    const line = ratings.lines?.[i];
    const where = line === undefined ? `ratings[${i}]` : `readers line ${line}`;
    const idx = imageIndex.get(ratings.image[i]);
    if (idx === undefined) {
      statsError('unknown_image', `${where}: image "${ratings.image[i]}" is not in the predictions`, {
        row: line ?? null,
        index: i,
        image: ratings.image[i],
      });
    }
    const name = ratings.reader[i];
    const level = ratings.readerLevel?.[i] ?? null;
    let r = byReader.get(name);
    if (r === undefined) {
      r = { reader: name, level, cases: [], rating: [] };
      byReader.set(name, r);
    } else if (r.level !== level) {
      statsError('invalid_rating', `${where}: reader "${name}" has two levels, "${r.level}" and "${level}"`, {
        row: line ?? null,
        reader: name,
      });
    }
    r.cases.push(idx);
    r.rating.push(ratings.rating[i]);
  }
  return [...byReader.values()];
}

/** Sensitivity / specificity of the model's best point meeting the reader's specificity, and vice versa. */
export function placeOnRoc(
  c: ConfusionAtThresholds,
  sensitivity: number,
  specificity: number,
  ratingCut: number | null,
): ReaderOperatingPoint {
  const eps = 1e-12;
  let sensAtSpec = 0;
  let specAtSens = 0;
  for (let k = -1; k < c.tps.length; k++) {
    const sens = k < 0 ? 0 : c.tps[k] / c.nPos;
    const spec = k < 0 ? 1 : 1 - c.fps[k] / c.nNeg;
    if (spec >= specificity - eps) sensAtSpec = Math.max(sensAtSpec, sens);
    if (sens >= sensitivity - eps) specAtSens = Math.max(specAtSens, spec);
  }
  const gap = sensAtSpec - sensitivity;
  return {
    ratingCut,
    sensitivity,
    specificity,
    modelSensitivityAtReaderSpecificity: sensAtSpec,
    modelSpecificityAtReaderSensitivity: specAtSens,
    sensitivityGap: gap,
    specificityGap: specAtSens - specificity,
    position: gap > eps ? 'below' : gap < -eps ? 'above' : 'on',
  };
}

function mcnemarBoth(
  first: Uint8Array,
  second: Uint8Array,
  mask: Uint8Array,
): { exact: McnemarTest; midP: McnemarTest } {
  const t = pairedTable(first, second, mask);
  return { exact: mcnemarTest(t, { method: 'exact' }), midP: mcnemarTest(t, { method: 'mid-p' }) };
}

/**
 * Compares the model with one reader on the images that reader rated. Binary readers: Wilson
 * metrics of their calls, their point against the model's ROC, McNemar (exact and mid-p) on the
 * positives (sensitivity) and negatives (specificity) at the primary model threshold and at the
 * model threshold matched to the reader's specificity, and kappa with the model's calls.
 * Ordinal/continuous readers: their AUC (DeLong), the paired DeLong test (pROC's `roc.test`), and
 * one operating point per rating cut.
 */
export function compareWithReader(
  predictions: ModelPredictions,
  rc: ReaderCases,
  options: { threshold?: number; level?: number } = {},
): ReaderResult {
  const threshold = options.threshold ?? 0.5;
  const level = options.level ?? 0.95;
  const y = Uint8Array.from(rc.cases, (i) => predictions.label[i]);
  const s = Float64Array.from(rc.cases, (i) => predictions.score[i]);
  const r = Float64Array.from(rc.rating);
  const scale = detectRatingScale(r, rc.reader);
  let nPos = 0;
  for (const v of y) nPos += v;
  const result: ReaderResult = {
    reader: rc.reader,
    level: rc.level,
    scale,
    nImages: y.length,
    nPositive: nPos,
    nNegative: y.length - nPos,
    modelAuc: null,
    readerAuc: null,
    delong: null,
    metrics: null,
    operatingPoints: [],
    mcnemar: null,
    matchedSpecificity: null,
    kappaWithModel: null,
    warnings: [],
  };
  const bothClasses = nPos > 0 && nPos < y.length;
  if (!bothClasses) {
    result.warnings.push({
      code: 'single_class_subgroup',
      metric: rc.reader,
      message: `reader "${rc.reader}" rated images of one class only; no ROC comparison`,
    });
  }
  if (scale === 'binary') {
    result.metrics = classificationMetrics(y, r, { level });
    result.warnings.push(...result.metrics.warnings);
    const modelCalls = callsAtThreshold(s, threshold);
    const readerCalls = Uint8Array.from(r);
    const negMask = Uint8Array.from(y, (v) => 1 - v);
    result.kappaWithModel = cohenKappa(modelCalls, readerCalls).kappa;
    if (bothClasses) {
      const c = confusionAtThresholds(y, s);
      const cm = countConfusion(y, readerCalls);
      const sens = cm.tp / nPos;
      const spec = cm.tn / (y.length - nPos);
      result.modelAuc = delongCi(y, s, { level });
      result.operatingPoints.push(placeOnRoc(c, sens, spec, null));
      result.mcnemar = {
        threshold,
        onPositives: mcnemarBoth(modelCalls, readerCalls, y),
        onNegatives: mcnemarBoth(modelCalls, readerCalls, negMask),
      };
      const matched = thresholdForSpecificity(y, s, spec);
      const matchedCalls = callsAtThreshold(s, matched.threshold);
      const modelTp = countConfusion(y, matchedCalls).tp;
      result.matchedSpecificity = {
        threshold: matched.threshold,
        modelSensitivity: wilsonInterval(modelTp, nPos, { level }),
        readerSensitivity: wilsonInterval(cm.tp, nPos, { level }),
        mcnemar: mcnemarBoth(matchedCalls, readerCalls, y),
      };
    }
  } else if (bothClasses) {
    result.modelAuc = delongCi(y, s, { level });
    result.readerAuc = delongCi(y, r, { level });
    result.delong = delongTest(y, s, r, { level });
    const c = confusionAtThresholds(y, s);
    const cuts = [...new Set(r)].sort((a, b) => a - b).slice(1);
    for (const cut of cuts) {
      const cm = countConfusion(y, callsAtThreshold(r, cut));
      result.operatingPoints.push(placeOnRoc(c, cm.tp / nPos, cm.tn / (y.length - nPos), cut));
    }
  }
  return result;
}

/** Agreement of two readers on the images both rated. */
export interface InterReaderKappa {
  readers: [string, string];
  scale: RatingScale;
  nImages: number;
  /** Unweighted for binary calls, quadratic-weighted for ordinal ratings. */
  weights: 'none' | 'quadratic';
  kappa: number | null;
}

/** Cohen's kappa for every pair of readers on the same binary or ordinal scale (common images only). */
export function interReaderKappa(groups: ReaderCases[]): InterReaderKappa[] {
  const out: InterReaderKappa[] = [];
  const scales = groups.map((g) => detectRatingScale(g.rating, g.reader));
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      if (scales[i] !== scales[j] || scales[i] === 'continuous') continue;
      const other = new Map(groups[j].cases.map((c, k) => [c, groups[j].rating[k]]));
      const a: number[] = [];
      const b: number[] = [];
      groups[i].cases.forEach((c, k) => {
        const v = other.get(c);
        if (v !== undefined) {
          a.push(groups[i].rating[k]);
          b.push(v);
        }
      });
      if (a.length === 0) continue;
      const weights = scales[i] === 'binary' ? 'none' : 'quadratic';
      out.push({
        readers: [groups[i].reader, groups[j].reader],
        scale: scales[i],
        nImages: a.length,
        weights,
        kappa: cohenKappa(a, b, { weights }).kappa,
      });
    }
  }
  return out;
}
