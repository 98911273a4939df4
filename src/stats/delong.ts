/**
 * DeLong's nonparametric variance of the AUC, its confidence interval, and the paired test of two
 * AUCs on the same cases. DeLong, DeLong & Clarke-Pearson, Biometrics 1988;44:837–845, computed by
 * the fast midrank algorithm of Sun & Xu, IEEE Signal Process Lett 2014;21:1389–1393.
 */
import { normalCritical, twoSidedNormalPValue } from './distributions.js';
import {
  checkBinaryInput,
  checkConsistentLength,
  checkLevel,
  toFiniteScores,
  type NumericArray,
} from './validate.js';
import type { ConfidenceInterval, TestResult } from './types.js';

/** {@link delongCi}'s result: the AUC, its DeLong standard error and interval. */
export interface DelongCi extends ConfidenceInterval {
  method: 'delong';
  standardError: number;
  variance: number;
}

/** {@link delongTest}'s result. */
export interface DelongTest extends TestResult {
  method: 'delong-paired';
  /** AUC of the first and the second score. */
  auc: [number, number];
  /** AUC₁ − AUC₂ and its standard error. */
  difference: number;
  standardError: number;
  /** Correlation of the two AUC estimates; null when either variance is 0. */
  correlation: number | null;
  /** Interval for the difference at `level`. */
  differenceCi: ConfidenceInterval;
}

/**
 * Structural components (placement values) of one score: for each positive case its fraction of
 * negatives scored below it (ties ½), V10; for each negative the fraction of positives scored
 * above it, V01. Their means are the AUC. Sun & Xu obtain them from midranks, Tz − Tx; here the
 * same numbers come from one sort and a merge of the sorted positives and negatives.
 */
export interface Placements {
  auc: number;
  /** Indexed like the positive cases in input order. */
  v10: Float64Array;
  /** Indexed like the negative cases in input order. */
  v01: Float64Array;
}

/**
 * For each value of `a`, how many values of `b` lie below it, ties counted ½ — a merge of the two
 * sorted lists (Sun & Xu's midrank difference Tz − Tx, without forming the ranks).
 */
function halfCountsBelow(a: Float64Array, b: Float64Array): Float64Array {
  const order = Uint32Array.from({ length: a.length }, (_, i) => i).sort((x, y) => a[x] - a[y]);
  const sortedB = Float64Array.from(b).sort();
  const out = new Float64Array(a.length);
  let lo = 0;
  for (let i = 0; i < a.length;) {
    const v = a[order[i]];
    let iEnd = i;
    while (iEnd < a.length && a[order[iEnd]] === v) iEnd++;
    while (lo < sortedB.length && sortedB[lo] < v) lo++;
    let hi = lo;
    while (hi < sortedB.length && sortedB[hi] === v) hi++;
    const count = lo + (hi - lo) / 2;
    for (let t = i; t < iEnd; t++) out[order[t]] = count;
    i = iEnd;
  }
  return out;
}

/** Computes {@link Placements} for labels `y` (both classes present) and scores `s`. O(n log n). */
export function delongPlacements(y: Uint8Array, s: Float64Array): Placements {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < y.length; i++) (y[i] === 1 ? pos : neg).push(s[i]);
  const x = Float64Array.from(pos);
  const z = Float64Array.from(neg);
  const m = x.length;
  const n = z.length;
  const v10 = halfCountsBelow(x, z).map((c) => c / n);
  const v01 = halfCountsBelow(z, x).map((c) => 1 - c / m);
  let sum = 0;
  for (let i = 0; i < m; i++) sum += v10[i];
  return { auc: sum / m, v10, v01 };
}

/** Sample covariance (denominator n − 1) of two equally long vectors with known means. */
function covariance(a: Float64Array, meanA: number, b: Float64Array, meanB: number): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - meanA) * (b[i] - meanB);
  return sum / (a.length - 1);
}

function meanOf(a: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i];
  return sum / a.length;
}

/** DeLong variance S10/m + S01/n of one AUC; 0 when a class has a single case (no spread to estimate). */
function delongVariance(pl: Placements): number {
  const m = pl.v10.length;
  const n = pl.v01.length;
  const s10 = m > 1 ? covariance(pl.v10, pl.auc, pl.v10, pl.auc) : 0;
  const s01 = n > 1 ? covariance(pl.v01, pl.auc, pl.v01, pl.auc) : 0;
  return s10 / m + s01 / n;
}

/**
 * AUC with its DeLong standard error and Wald interval AUC ± z·SE, limits clipped to [0, 1]
 * (pROC's `ci.auc(method = "delong")` and `var(roc)`; DeLong et al. 1988; Sun & Xu 2014).
 * With one case in a class that class's variance term is taken as 0 (pROC gives NaN there).
 *
 * @param options.level confidence level, default 0.95
 * @example
 * delongCi([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
 * // { estimate: 0.75, lower: 0.0570480…, upper: 1, level: 0.95, method: 'delong', standardError: 0.3535533…, variance: 0.125 }
 */
export function delongCi(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  options: { level?: number } = {},
): DelongCi {
  const level = checkLevel(options.level ?? 0.95);
  const { y, s } = checkBinaryInput(yTrue, yScore);
  const pl = delongPlacements(y, s);
  const variance = delongVariance(pl);
  const se = Math.sqrt(variance);
  const z = normalCritical(level);
  return {
    estimate: pl.auc,
    lower: Math.max(0, pl.auc - z * se),
    upper: Math.min(1, pl.auc + z * se),
    level,
    method: 'delong',
    standardError: se,
    variance,
  };
}

/**
 * Paired DeLong test of H₀: AUC₁ = AUC₂ for two scores of the same cases, z = (AUC₁ − AUC₂) /
 * √(Var₁ + Var₂ − 2·Cov), two-sided normal p-value (pROC's `roc.test(method = "delong",
 * paired = TRUE)`; DeLong et al. 1988; Sun & Xu 2014). Scores may be on any scale, e.g. a model's
 * probability against a reader's 1–5 confidence rating. When the two scores rank the cases
 * identically the variance of the difference is 0: z is 0 and p is 1 if the AUCs are equal.
 *
 * @example
 * delongTest([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], [1, 2, 3, 4]) // statistic −0.7071…, pValue 0.4795…, auc [0.75, 1]
 */
export function delongTest(
  yTrue: ArrayLike<number | boolean>,
  yScore1: NumericArray,
  yScore2: NumericArray,
  options: { level?: number } = {},
): DelongTest {
  const level = checkLevel(options.level ?? 0.95);
  checkConsistentLength({ yTrue, yScore1, yScore2 });
  const { y, s } = checkBinaryInput(yTrue, yScore1, ['yTrue', 'yScore1']);
  const s2 = toFiniteScores(yScore2, 'yScore2');
  const a = delongPlacements(y, s);
  const b = delongPlacements(y, s2);
  const m = a.v10.length;
  const n = a.v01.length;
  const cov10 = m > 1 ? covariance(a.v10, meanOf(a.v10), b.v10, meanOf(b.v10)) : 0;
  const cov01 = n > 1 ? covariance(a.v01, meanOf(a.v01), b.v01, meanOf(b.v01)) : 0;
  const varA = delongVariance(a);
  const varB = delongVariance(b);
  const cov = cov10 / m + cov01 / n;
  const varDiff = Math.max(0, varA + varB - 2 * cov);
  const difference = a.auc - b.auc;
  const se = Math.sqrt(varDiff);
  const statistic = se > 0 ? difference / se : difference === 0 ? 0 : Math.sign(difference) * Infinity;
  const zc = normalCritical(level);
  return {
    statistic,
    pValue: twoSidedNormalPValue(statistic),
    method: 'delong-paired',
    auc: [a.auc, b.auc],
    difference,
    standardError: se,
    correlation: varA > 0 && varB > 0 ? cov / Math.sqrt(varA * varB) : null,
    differenceCi: {
      estimate: difference,
      lower: difference - zc * se,
      upper: difference + zc * se,
      level,
      method: 'delong',
    },
  };
}
