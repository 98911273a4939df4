/**
 * Choosing an operating threshold from the data: Youden's J, a fixed sensitivity or a fixed
 * specificity. Thresholds chosen on the evaluation set are optimistic for that set; pre-declare
 * them (or choose them on training folds) for the primary analysis.
 */
import { confusionAtThresholds, type ConfusionAtThresholds } from './confusion.js';
import type { StatsWarning } from './types.js';
import { checkInRange, type NumericArray } from './validate.js';

/** An operating point on the ROC curve. */
export interface OperatingPoint {
  /**
   * Score ≥ threshold is positive. Between two observed scores it is their midpoint (pROC's
   * convention); below every score it is the minimum score; above every score `Infinity`.
   */
  threshold: number;
  sensitivity: number;
  specificity: number;
  /** Youden's J = sensitivity + specificity − 1. */
  youdenIndex: number;
  /** How the point was chosen, e.g. `youden`, `sensitivity>=0.9`. */
  criterion: string;
  warnings: StatsWarning[];
}

/**
 * The pROC-style threshold for "the top k+1 distinct scores are positive": halfway between
 * `thresholds[k]` and the next lower distinct score, or the lowest score itself at the end.
 */
function midpointThreshold(c: ConfusionAtThresholds, k: number): number {
  if (k < 0) return Infinity;
  if (k === c.thresholds.length - 1) return c.thresholds[k];
  return (c.thresholds[k] + c.thresholds[k + 1]) / 2;
}

function pointAt(
  c: ConfusionAtThresholds,
  k: number,
  criterion: string,
  warnings: StatsWarning[],
): OperatingPoint {
  const sensitivity = k < 0 ? 0 : c.tps[k] / c.nPos;
  const specificity = k < 0 ? 1 : 1 - c.fps[k] / c.nNeg;
  return {
    threshold: midpointThreshold(c, k),
    sensitivity,
    specificity,
    youdenIndex: sensitivity + specificity - 1,
    criterion,
    warnings,
  };
}

/**
 * The threshold maximising Youden's J = sensitivity + specificity − 1 (Youden, Cancer 1950;
 * pROC's `coords(roc, "best", best.method = "youden")`, which reports the midpoint between
 * adjacent scores). Ties for the maximum: the highest threshold (most specific) is returned, with
 * a `multiple_optima` warning (pROC's default `best.policy = "stop"` would refuse).
 *
 * @example
 * youdenThreshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
 * // { threshold: 0.6, sensitivity: 0.5, specificity: 1, youdenIndex: 0.5, … , warnings: [multiple_optima] }
 */
export function youdenThreshold(yTrue: ArrayLike<number | boolean>, yScore: NumericArray): OperatingPoint {
  const c = confusionAtThresholds(yTrue, yScore);
  let best = -1;
  let bestJ = 0;
  let ties = 0;
  for (let k = 0; k < c.tps.length; k++) {
    const j = c.tps[k] / c.nPos - c.fps[k] / c.nNeg;
    // Exact float comparisons would split mathematically equal J values; compare to 1e-12.
    if (j > bestJ + 1e-12) {
      bestJ = j;
      best = k;
      ties = 0;
    } else if (Math.abs(j - bestJ) <= 1e-12) ties++;
  }
  const warnings: StatsWarning[] = [];
  if (ties > 0) {
    warnings.push({
      code: 'multiple_optima',
      metric: 'youden',
      message: `${ties + 1} thresholds share the maximal Youden index; the most specific one is reported`,
    });
  }
  return pointAt(c, best, 'youden', warnings);
}

/**
 * The operating point meeting a target rate: walks the thresholds from the top and stops at the
 * first reaching the sensitivity target, or at the last keeping the specificity target.
 */
function thresholdForTarget(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  target: number,
  rate: 'sensitivity' | 'specificity',
): OperatingPoint {
  const name = rate === 'sensitivity' ? 'targetSensitivity' : 'targetSpecificity';
  checkInRange(name, target, 0, 1);
  const c = confusionAtThresholds(yTrue, yScore);
  const sensitivityAt = (k: number) => (k < 0 ? 0 : c.tps[k] / c.nPos);
  const specificityAt = (k: number) => (k < 0 ? 1 : 1 - c.fps[k] / c.nNeg);
  let k = -1;
  if (rate === 'sensitivity') while (k < c.tps.length - 1 && sensitivityAt(k) < target) k++;
  else while (k + 1 < c.tps.length && specificityAt(k + 1) >= target) k++;
  return pointAt(c, k, `${rate}>=${target}`, []);
}

/**
 * The most specific threshold whose sensitivity is at least `targetSensitivity` (pROC's
 * `coords(…, x = sensitivity, input = "sensitivity")` picks the same point on the empirical curve).
 *
 * @example
 * thresholdForSensitivity([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.9)
 * // { threshold: 0.225, sensitivity: 1, specificity: 0.5, … }
 */
export function thresholdForSensitivity(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  targetSensitivity: number,
): OperatingPoint {
  return thresholdForTarget(yTrue, yScore, targetSensitivity, 'sensitivity');
}

/**
 * The most sensitive threshold whose specificity is at least `targetSpecificity`.
 *
 * @example
 * thresholdForSpecificity([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.9)
 * // { threshold: 0.6, sensitivity: 0.5, specificity: 1, … }
 */
export function thresholdForSpecificity(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  targetSpecificity: number,
): OperatingPoint {
  return thresholdForTarget(yTrue, yScore, targetSpecificity, 'specificity');
}
