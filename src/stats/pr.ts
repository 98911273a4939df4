/**
 * Precision–recall curve and average precision.
 */
import { averagePrecisionFromCounts, confusionAtThresholds } from './confusion.js';
import type { NumericArray } from './validate.js';

/** Precision–recall curve, in order of increasing threshold (scikit-learn's order). */
export interface PrecisionRecallCurve {
  /** tp / (tp + fp) at each threshold, then a final 1 (the empty set of calls). */
  precision: number[];
  /** tp / P at each threshold, non-increasing, then a final 0. */
  recall: number[];
  /** Increasing distinct scores; one fewer than `precision` and `recall`. */
  thresholds: number[];
}

/**
 * Precision–recall curve over every distinct threshold, ties collapsed (scikit-learn's
 * `precision_recall_curve`, ≥ 1.1 behaviour: all thresholds kept, none dropped after full recall).
 * Davis & Goadrich, "The relationship between precision-recall and ROC curves", ICML 2006.
 *
 * @example
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
 * // precision [0.5, 0.6667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
 */
export function precisionRecallCurve(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
): PrecisionRecallCurve {
  const { tps, fps, thresholds, nPos } = confusionAtThresholds(yTrue, yScore);
  const precision: number[] = [];
  const recall: number[] = [];
  const th: number[] = [];
  for (let k = tps.length - 1; k >= 0; k--) {
    precision.push(tps[k] / (tps[k] + fps[k]));
    recall.push(tps[k] / nPos);
    th.push(thresholds[k]);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds: th };
}

/**
 * Average precision, AP = Σₙ (Rₙ − Rₙ₋₁)·Pₙ over decreasing thresholds — the step-wise area
 * under the PR curve without interpolation (scikit-learn's `average_precision_score`; Manning,
 * Raghavan & Schütze 2008, ch. 8). Its chance level is the prevalence, not 0.5.
 *
 * @example
 * averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.8333333333333333
 */
export function averagePrecisionScore(yTrue: ArrayLike<number | boolean>, yScore: NumericArray): number {
  const { tps, fps, nPos } = confusionAtThresholds(yTrue, yScore);
  return averagePrecisionFromCounts(tps, fps, nPos);
}
