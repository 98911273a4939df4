/**
 * Metrics of binary calls: from a score at a threshold ("score ≥ threshold is positive", as in
 * scikit-learn's curves) or from a reader's 0/1 calls. Proportions carry Wilson intervals; a zero
 * denominator gives `null` and a `zero_division` warning (scikit-learn's `zero_division` rule made
 * explicit rather than a silent 0).
 */
import { normalCritical } from './distributions.js';
import { wilsonInterval } from './proportions.js';
import type { ConfidenceInterval, ProportionEstimate, StatsWarning } from './types.js';
import {
  checkBinaryInput,
  checkConsistentLength,
  checkInRange,
  checkLevel,
  statsError,
  toBinaryLabels,
  type NumericArray,
} from './validate.js';

/** Counts of a 2×2 confusion matrix. */
export interface ConfusionMatrix {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** PPV and NPV re-weighted to a stated prevalence (e.g. the screening population's, not the study's). */
export interface PredictiveValuesAtPrevalence {
  prevalence: number;
  /** Null when sensitivity and 1 − specificity are both 0 (no positive calls expected). */
  ppv: ConfidenceInterval | null;
  npv: ConfidenceInterval | null;
}

/** Every metric of binary calls. */
export interface ClassificationMetrics {
  /** The threshold used (score ≥ threshold is positive); null for binary calls. */
  threshold: number | null;
  confusion: ConfusionMatrix;
  /** Recall, true positive rate: tp / (tp + fn). */
  sensitivity: ProportionEstimate;
  /** True negative rate: tn / (tn + fp). */
  specificity: ProportionEstimate;
  /** Precision, positive predictive value at the study's prevalence: tp / (tp + fp). */
  ppv: ProportionEstimate;
  /** Negative predictive value at the study's prevalence: tn / (tn + fn). */
  npv: ProportionEstimate;
  accuracy: ProportionEstimate;
  /** (sensitivity + specificity) / 2. */
  balancedAccuracy: number | null;
  /** 2·tp / (2·tp + fp + fn). */
  f1: number | null;
  /** Matthews correlation coefficient (tp·tn − fp·fn) / √((tp+fp)(tp+fn)(tn+fp)(tn+fn)). */
  mcc: number | null;
  /** Present when a prevalence was given. */
  atPrevalence: PredictiveValuesAtPrevalence | null;
  warnings: StatsWarning[];
}

/** Options of the metric functions. */
export interface ClassificationOptions {
  /** Confidence level of the intervals, default 0.95. */
  level?: number;
  /** A prevalence in (0, 1) at which to re-weight PPV and NPV. */
  prevalence?: number;
}

/** Counts the 2×2 table of binary labels against binary calls. */
export function countConfusion(y: Uint8Array, pred: Uint8Array): ConfusionMatrix {
  const cm = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < y.length; i++) {
    if (pred[i] === 1) {
      if (y[i] === 1) cm.tp++;
      else cm.fp++;
    } else if (y[i] === 1) cm.fn++;
    else cm.tn++;
  }
  return cm;
}

/** Calls "positive" where score ≥ threshold. */
export function callsAtThreshold(s: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s[i] >= threshold ? 1 : 0;
  return out;
}

/** a / b, or null with a `zero_division` warning when b is 0. */
function ratio(a: number, b: number, metric: string, warnings: StatsWarning[]): number | null {
  if (b === 0) {
    warnings.push({ code: 'zero_division', metric, message: `${metric} is undefined: its denominator is 0` });
    return null;
  }
  return a / b;
}

function proportion(
  k: number,
  n: number,
  level: number,
  metric: string,
  warnings: StatsWarning[],
): ProportionEstimate {
  if (n === 0)
    warnings.push({ code: 'zero_division', metric, message: `${metric} is undefined: its denominator is 0` });
  return wilsonInterval(k, n, { level });
}

/** The MCC from counts; null when a margin is empty. */
export function mccFromCounts({ tp, fp, tn, fn }: ConfusionMatrix): number | null {
  const denom = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return denom === 0 ? null : (tp * tn - fp * fn) / denom;
}

/**
 * PPV and NPV at a stated prevalence π by Bayes' theorem, PPV = Se·π / (Se·π + (1−Sp)(1−π)),
 * with the logit intervals of Mercaldo, Lau & Zhou, Stat Med 2007;26:2170–2183:
 * Var(logit PPV) = (1−Se)/(Se·n₁) + Sp/((1−Sp)·n₀), Var(logit NPV) = Se/((1−Se)·n₁) + (1−Sp)/(Sp·n₀).
 * When Se or Sp is 0 or 1 the logit variance is infinite or 0: the interval is then the point
 * with a `degenerate_interval` warning.
 */
export function predictiveValuesAtPrevalence(
  cm: ConfusionMatrix,
  prevalence: number,
  options: { level?: number } = {},
  warnings: StatsWarning[] = [],
): PredictiveValuesAtPrevalence {
  checkInRange('prevalence', prevalence, 0, 1, { lowOpen: true, highOpen: true });
  const level = checkLevel(options.level ?? 0.95);
  const n1 = cm.tp + cm.fn;
  const n0 = cm.tn + cm.fp;
  if (n1 === 0 || n0 === 0) {
    warnings.push({
      code: 'zero_division',
      metric: 'atPrevalence',
      message: 'predictive values at a prevalence need both positives and negatives',
    });
    return { prevalence, ppv: null, npv: null };
  }
  const se = cm.tp / n1;
  const sp = cm.tn / n0;
  const z = normalCritical(level);
  const expit = (x: number) => 1 / (1 + Math.exp(-x));
  const one = (num: number, den: number, variance: number, metric: string): ConfidenceInterval | null => {
    if (num + den === 0) {
      warnings.push({
        code: 'zero_division',
        metric,
        message: `${metric} is undefined: no calls of that kind expected`,
      });
      return null;
    }
    const estimate = num / (num + den);
    if (!Number.isFinite(variance) || num === 0 || den === 0) {
      warnings.push({
        code: 'degenerate_interval',
        metric,
        message: `${metric}: sensitivity or specificity is 0 or 1, so the logit interval is degenerate`,
      });
      return { estimate, lower: estimate, upper: estimate, level, method: 'logit-mercaldo-2007' };
    }
    const logit = Math.log(num / den);
    const half = z * Math.sqrt(variance);
    return {
      estimate,
      lower: expit(logit - half),
      upper: expit(logit + half),
      level,
      method: 'logit-mercaldo-2007',
    };
  };
  const ppv = one(
    se * prevalence,
    (1 - sp) * (1 - prevalence),
    (1 - se) / (se * n1) + sp / ((1 - sp) * n0),
    'ppvAtPrevalence',
  );
  const npv = one(
    sp * (1 - prevalence),
    (1 - se) * prevalence,
    se / ((1 - se) * n1) + (1 - sp) / (sp * n0),
    'npvAtPrevalence',
  );
  return { prevalence, ppv, npv };
}

/**
 * Every metric of a confusion matrix: sensitivity, specificity, PPV, NPV and accuracy with Wilson
 * intervals (statsmodels `proportion_confint(method="wilson")`), balanced accuracy, F1 and MCC
 * (scikit-learn's `balanced_accuracy_score`, `f1_score`, `matthews_corrcoef`; Matthews 1975),
 * and PPV/NPV at a stated prevalence when asked. Zero denominators: null + `zero_division`.
 */
export function metricsFromConfusion(
  cm: ConfusionMatrix,
  options: ClassificationOptions = {},
  threshold: number | null = null,
): ClassificationMetrics {
  const level = checkLevel(options.level ?? 0.95);
  const warnings: StatsWarning[] = [];
  const { tp, fp, tn, fn } = cm;
  const sensitivity = proportion(tp, tp + fn, level, 'sensitivity', warnings);
  const specificity = proportion(tn, tn + fp, level, 'specificity', warnings);
  const ppv = proportion(tp, tp + fp, level, 'ppv', warnings);
  const npv = proportion(tn, tn + fn, level, 'npv', warnings);
  const accuracy = proportion(tp + tn, tp + fp + tn + fn, level, 'accuracy', warnings);
  const balancedAccuracy =
    sensitivity.estimate === null || specificity.estimate === null
      ? null
      : (sensitivity.estimate + specificity.estimate) / 2;
  const f1 = ratio(2 * tp, 2 * tp + fp + fn, 'f1', warnings);
  const mcc = mccFromCounts(cm);
  if (mcc === null)
    warnings.push({
      code: 'zero_division',
      metric: 'mcc',
      message: 'mcc is undefined: a margin of the table is empty',
    });
  const atPrevalence =
    options.prevalence === undefined
      ? null
      : predictiveValuesAtPrevalence(cm, options.prevalence, { level }, warnings);
  return {
    threshold,
    confusion: { ...cm },
    sensitivity,
    specificity,
    ppv,
    npv,
    accuracy,
    balancedAccuracy,
    f1,
    mcc,
    atPrevalence,
    warnings,
  };
}

/**
 * Metrics of a score at a threshold, positives = score ≥ threshold (default 0.5). See
 * {@link metricsFromConfusion} for the methods.
 *
 * @example
 * thresholdMetrics([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], { threshold: 0.5 })
 * // confusion { tp: 1, fp: 0, tn: 2, fn: 1 }, sensitivity.estimate 0.5, specificity.estimate 1, mcc 0.5773…
 */
export function thresholdMetrics(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  options: ClassificationOptions & { threshold?: number } = {},
): ClassificationMetrics {
  const threshold = options.threshold ?? 0.5;
  if (Number.isNaN(threshold)) statsError('invalid_option', 'threshold is NaN', { parameter: 'threshold' });
  const { y, s } = checkBinaryInput(yTrue, yScore);
  return metricsFromConfusion(countConfusion(y, callsAtThreshold(s, threshold)), options, threshold);
}

/**
 * Metrics of binary calls (e.g. a reader's 0/1 ratings) against the truth. Both arrays hold 0/1.
 * Unlike the score functions this accepts a single class in `yTrue` (then the metrics of the
 * missing class are null with warnings).
 */
export function classificationMetrics(
  yTrue: ArrayLike<number | boolean>,
  yPred: ArrayLike<number | boolean>,
  options: ClassificationOptions = {},
): ClassificationMetrics {
  checkConsistentLength({ yTrue, yPred });
  return metricsFromConfusion(countConfusion(toBinaryLabels(yTrue), toBinaryLabels(yPred, 'yPred')), options);
}

/**
 * Matthews correlation coefficient of binary calls (scikit-learn's `matthews_corrcoef`; Matthews,
 * Biochim Biophys Acta 1975). Null when a margin is empty (scikit-learn returns 0 there).
 *
 * @example
 * matthewsCorrcoef([0, 0, 1, 1], [0, 0, 0, 1]) // 0.5773502691896258
 */
export function matthewsCorrcoef(
  yTrue: ArrayLike<number | boolean>,
  yPred: ArrayLike<number | boolean>,
): number | null {
  checkConsistentLength({ yTrue, yPred });
  return mccFromCounts(countConfusion(toBinaryLabels(yTrue), toBinaryLabels(yPred, 'yPred')));
}
