/**
 * The one kernel under every threshold-based metric (after scikit-learn's
 * `_binary_clf_curve` / `confusion_matrix_at_thresholds`): sort the scores once, collapse tied
 * scores into one threshold, and count true and false positives at each distinct threshold with
 * the rule "score ≥ threshold is called positive". Curves, AUC, average precision and the
 * bootstrap all work from these cumulative counts, so ties are handled in exactly one place.
 */
import { checkBinaryInput, statsError, type NumericArray } from './validate.js';

/** Scores sorted once, with tied scores grouped: the part of the kernel that does not depend on weights. */
export interface SortedScores {
  /** Case indices ordered by decreasing score (ties in input order). */
  order: Uint32Array;
  /** Distinct scores, decreasing: the thresholds. */
  thresholds: Float64Array;
  /** For threshold k, cases `order[groupEnd[k-1] … groupEnd[k]-1]` have score `thresholds[k]`. */
  groupEnd: Uint32Array;
}

/** Cumulative counts at each threshold: cases with score ≥ `thresholds[k]`. */
export interface ConfusionAtThresholds {
  /** Distinct scores, decreasing. */
  thresholds: Float64Array;
  /** True positives (weighted) at each threshold. */
  tps: Float64Array;
  /** False positives (weighted) at each threshold. */
  fps: Float64Array;
  /** Total (weighted) positives. */
  nPos: number;
  /** Total (weighted) negatives. */
  nNeg: number;
}

/** Sorts cases by decreasing score and groups ties. O(n log n), done once per data set. */
export function sortScores(s: Float64Array): SortedScores {
  const n = s.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => s[b] - s[a] || a - b);
  const ends: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === n - 1 || s[order[i + 1]] !== s[order[i]]) {
      ends.push(i + 1);
      values.push(s[order[i]]);
    }
  }
  return { order, thresholds: Float64Array.from(values), groupEnd: Uint32Array.from(ends) };
}

/**
 * Fills `tps`/`fps` (length = number of thresholds) with cumulative weighted counts; `weights`
 * null means weight 1 per case. Allocation-free, linear: the bootstrap calls it once per replicate.
 */
export function countAtThresholds(
  sorted: SortedScores,
  y: Uint8Array,
  weights: Float64Array | null,
  tps: Float64Array,
  fps: Float64Array,
): void {
  const { order, groupEnd } = sorted;
  let tp = 0;
  let fp = 0;
  let start = 0;
  for (let k = 0; k < groupEnd.length; k++) {
    const end = groupEnd[k];
    for (let i = start; i < end; i++) {
      const c = order[i];
      const w = weights === null ? 1 : weights[c];
      if (y[c] === 1) tp += w;
      else fp += w;
    }
    tps[k] = tp;
    fps[k] = fp;
    start = end;
  }
}

/**
 * True and false positive counts at every distinct score (scikit-learn's
 * `confusion_matrix_at_thresholds`, positives = `score ≥ threshold`). Thresholds decrease; the
 * last one is the minimum score, where every case is called positive.
 *
 * @param yTrue binary labels (0/1), both classes present (else `single_class`)
 * @param yScore finite scores, higher = more likely positive
 * @param options.sampleWeight non-negative weight per case (default 1)
 * @example
 * confusionAtThresholds([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
 * // thresholds [0.8, 0.4, 0.35, 0.1], tps [1, 1, 2, 2], fps [0, 1, 1, 2]
 */
export function confusionAtThresholds(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  options: { sampleWeight?: NumericArray } = {},
): ConfusionAtThresholds {
  const { y, s } = checkBinaryInput(yTrue, yScore);
  let weights: Float64Array | null = null;
  if (options.sampleWeight !== undefined) {
    if (options.sampleWeight.length !== y.length) {
      statsError(
        'length_mismatch',
        `sampleWeight has ${options.sampleWeight.length} values but yTrue has ${y.length}`,
        {
          parameter: 'sampleWeight',
        },
      );
    }
    weights = Float64Array.from(options.sampleWeight);
    weights.forEach((w, i) => {
      if (!(w >= 0 && Number.isFinite(w))) {
        statsError('invalid_option', `sampleWeight[${i}] is ${w}; weights must be finite and ≥ 0`, {
          parameter: 'sampleWeight',
          index: i,
        });
      }
    });
  }
  const sorted = sortScores(s);
  const k = sorted.thresholds.length;
  const tps = new Float64Array(k);
  const fps = new Float64Array(k);
  countAtThresholds(sorted, y, weights, tps, fps);
  return { thresholds: sorted.thresholds, tps, fps, nPos: tps[k - 1], nNeg: fps[k - 1] };
}

/**
 * Area under the ROC curve from cumulative counts, by the trapezoidal rule over the points
 * (0,0), (fps/N, tps/P)… (scikit-learn's `auc(fpr, tpr)`); a tied group contributes a diagonal
 * segment, i.e. counts ½ per tied positive–negative pair (the Mann–Whitney convention).
 */
export function aucFromCounts(tps: Float64Array, fps: Float64Array, nPos: number, nNeg: number): number {
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let k = 0; k < tps.length; k++) {
    area += (fps[k] - prevFp) * (tps[k] + prevTp);
    prevTp = tps[k];
    prevFp = fps[k];
  }
  return area / (2 * nPos * nNeg);
}

/**
 * Average precision from cumulative counts: AP = Σ (Rₖ − Rₖ₋₁)·Pₖ over thresholds in decreasing
 * order (scikit-learn's `average_precision_score`, no interpolation).
 */
export function averagePrecisionFromCounts(tps: Float64Array, fps: Float64Array, nPos: number): number {
  let ap = 0;
  let prevTp = 0;
  for (let k = 0; k < tps.length; k++) {
    const dTp = tps[k] - prevTp;
    if (dTp !== 0) ap += (dTp / nPos) * (tps[k] / (tps[k] + fps[k]));
    prevTp = tps[k];
  }
  return ap;
}
