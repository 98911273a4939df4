/**
 * Every headline metric as one {@link WeightedStatistic}, fast enough for thousands of subject
 * bootstrap replicates: the scores are sorted once, and each replicate is a linear pass over the
 * presorted cases with its weights (no sorting, no allocation).
 */
import type { WeightedStatistic } from './bootstrap.js';
import { aucFromCounts, averagePrecisionFromCounts, countAtThresholds, sortScores } from './confusion.js';
import { clampedLogit } from './distributions.js';
import { fitLogistic } from './logistic.js';
import { checkBinaryInput, checkProbabilities, type NumericArray } from './validate.js';

/** Metrics reported at each threshold, in this order. */
export const THRESHOLD_METRIC_NAMES = [
  'sensitivity',
  'specificity',
  'ppv',
  'npv',
  'accuracy',
  'balancedAccuracy',
  'f1',
  'mcc',
] as const;

/** Options of {@link createMetricsStatistic}. */
export interface MetricsStatisticOptions {
  /** Thresholds (score ≥ t is positive) at which to evaluate the threshold metrics. */
  thresholds?: readonly number[];
  /**
   * Whether scores are probabilities in [0, 1]: adds `brier`, `calibrationSlope` and
   * `calibrationIntercept`. Default: true when every score is in [0, 1].
   */
  probabilities?: boolean;
}

/** Name of a threshold metric in the statistic, e.g. `sensitivity@0.5`. */
export function thresholdMetricName(metric: string, threshold: number): string {
  return `${metric}@${threshold}`;
}

/**
 * Builds the statistic: `auc`, `averagePrecision`, then (probabilities) `brier`,
 * `calibrationSlope`, `calibrationIntercept`, then for each threshold t every name of
 * {@link THRESHOLD_METRIC_NAMES} as `name@t`. Each matches the full-sample function
 * (`rocAucScore`, `averagePrecisionScore`, `brierScoreLoss`, `calibrationSlopeIntercept`,
 * `thresholdMetrics`) when all weights are 1.
 */
export function createMetricsStatistic(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  options: MetricsStatisticOptions = {},
): WeightedStatistic {
  const { y, s } = checkBinaryInput(yTrue, yScore);
  let inUnit = true;
  for (let i = 0; i < s.length; i++) if (s[i] < 0 || s[i] > 1) inUnit = false;
  const probabilities = options.probabilities ?? inUnit;
  if (probabilities) checkProbabilities(s, 'yScore');
  const thresholds = options.thresholds ?? [];
  const sorted = sortScores(s);
  const nT = sorted.thresholds.length;
  const tps = new Float64Array(nT);
  const fps = new Float64Array(nT);
  // For each requested threshold t: the last distinct score ≥ t (−1: nobody positive).
  const cut = thresholds.map((t) => {
    let k = -1;
    while (k + 1 < nT && sorted.thresholds[k + 1] >= t) k++;
    return k;
  });
  const logit = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) logit[i] = clampedLogit(s[i]);
  const names: string[] = ['auc', 'averagePrecision'];
  if (probabilities) names.push('brier', 'calibrationSlope', 'calibrationIntercept');
  for (const t of thresholds) for (const m of THRESHOLD_METRIC_NAMES) names.push(thresholdMetricName(m, t));
  // Warm starts for the logistic fits: the full-sample solutions.
  const jointStart = (probabilities && fitLogistic(y, logit, null, null)) || { a: 0, b: 1 };
  const offsetStart = (probabilities && fitLogistic(y, logit, null, 1)) || { a: 0, b: 1 };

  return {
    names,
    evaluate(weights: Float64Array, out: Float64Array): void {
      countAtThresholds(sorted, y, weights, tps, fps);
      const nPos = tps[nT - 1];
      const nNeg = fps[nT - 1];
      let o = 0;
      const bothClasses = nPos > 0 && nNeg > 0;
      out[o++] = bothClasses ? aucFromCounts(tps, fps, nPos, nNeg) : NaN;
      out[o++] = nPos > 0 ? averagePrecisionFromCounts(tps, fps, nPos) : NaN;
      if (probabilities) {
        let sum = 0;
        let wsum = 0;
        for (let i = 0; i < s.length; i++) {
          const w = weights[i];
          if (w !== 0) {
            sum += w * (s[i] - y[i]) ** 2;
            wsum += w;
          }
        }
        out[o++] = wsum > 0 ? sum / wsum : NaN;
        const joint = bothClasses ? fitLogistic(y, logit, weights, null, jointStart) : null;
        const offset = bothClasses ? fitLogistic(y, logit, weights, 1, offsetStart) : null;
        out[o++] = joint === null ? NaN : joint.b;
        out[o++] = offset === null ? NaN : offset.a;
      }
      for (let j = 0; j < thresholds.length; j++) {
        const k = cut[j];
        const tp = k < 0 ? 0 : tps[k];
        const fp = k < 0 ? 0 : fps[k];
        const fn = nPos - tp;
        const tn = nNeg - fp;
        const sens = nPos > 0 ? tp / nPos : NaN;
        const spec = nNeg > 0 ? tn / nNeg : NaN;
        const mccDen = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
        out[o++] = sens;
        out[o++] = spec;
        out[o++] = tp + fp > 0 ? tp / (tp + fp) : NaN;
        out[o++] = tn + fn > 0 ? tn / (tn + fn) : NaN;
        out[o++] = (tp + tn) / (nPos + nNeg);
        out[o++] = (sens + spec) / 2;
        out[o++] = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : NaN;
        out[o++] = mccDen > 0 ? (tp * tn - fp * fn) / mccDen : NaN;
      }
    },
  };
}
