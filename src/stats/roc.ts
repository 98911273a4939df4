/**
 * Receiver operating characteristic: the curve and the area under it.
 */
import { aucFromCounts, confusionAtThresholds } from './confusion.js';
import type { NumericArray } from './validate.js';

/** A curve's points in order of decreasing threshold. */
export interface RocCurve {
  /** False positive rate (1 − specificity), non-decreasing, from 0 to 1. */
  fpr: number[];
  /** True positive rate (sensitivity), non-decreasing, from 0 to 1. */
  tpr: number[];
  /**
   * Decreasing thresholds; the point k is "score ≥ thresholds[k] is positive". The first is
   * `Infinity` (nobody called positive, the point (0,0)) as in scikit-learn ≥ 1.3.
   */
  thresholds: number[];
}

/** Options of {@link rocCurve}. */
export interface RocCurveOptions {
  /**
   * Drop points that lie on a straight segment between their neighbours, which does not change
   * the curve's shape or area (scikit-learn's `drop_intermediate`, default true).
   */
  dropIntermediate?: boolean;
}

/**
 * ROC curve over every distinct threshold, tied scores collapsed into one point (scikit-learn's
 * `roc_curve`; the same points as pROC's `roc()` with thresholds at the scores rather than at
 * midpoints). Fawcett, "An introduction to ROC analysis", Pattern Recogn Lett 2006.
 *
 * Needs both classes (`single_class` otherwise; scikit-learn warns and returns NaN instead).
 *
 * @example
 * rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
 * // { fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1] }
 */
export function rocCurve(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  options: RocCurveOptions = {},
): RocCurve {
  const { dropIntermediate = true } = options;
  const { tps, fps, thresholds, nPos, nNeg } = confusionAtThresholds(yTrue, yScore);
  const n = tps.length;
  let keep: number[];
  if (dropIntermediate && n > 2) {
    // Keep index k unless the second differences of both fps and tps vanish there, i.e. the point
    // is collinear with its neighbours on a horizontal or vertical run (scikit-learn's rule).
    keep = [0];
    for (let k = 1; k < n - 1; k++) {
      const d2f = fps[k + 1] - 2 * fps[k] + fps[k - 1];
      const d2t = tps[k + 1] - 2 * tps[k] + tps[k - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(k);
    }
    keep.push(n - 1);
  } else {
    keep = Array.from({ length: n }, (_, k) => k);
  }
  const fpr = [0];
  const tpr = [0];
  const th = [Infinity];
  for (const k of keep) {
    fpr.push(fps[k] / nNeg);
    tpr.push(tps[k] / nPos);
    th.push(thresholds[k]);
  }
  return { fpr, tpr, thresholds: th };
}

/**
 * Area under the ROC curve (scikit-learn's `roc_auc_score` for binary targets; pROC's `auc` with
 * `direction = "<"`): the probability that a random positive scores above a random negative, ties
 * counting ½ (Hanley & McNeil, Radiology 1982). No automatic direction flip: a score that ranks
 * negatives higher gets an AUC below 0.5. Gini = 2·AUC − 1.
 *
 * @example
 * rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.75
 */
export function rocAucScore(yTrue: ArrayLike<number | boolean>, yScore: NumericArray): number {
  const { tps, fps, nPos, nNeg } = confusionAtThresholds(yTrue, yScore);
  return aucFromCounts(tps, fps, nPos, nNeg);
}
