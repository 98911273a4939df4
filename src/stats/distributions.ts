/**
 * The few distribution functions the stats stage needs, accurate to double precision so that
 * p-values and interval limits match R (`pnorm`, `qnorm`, `pbinom`) and SciPy well below 1e-9.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * log(p / (1 − p)) with p clamped to [eps, 1 − eps] first, so that a score of exactly 0 or 1 (a
 * saturated model, or a probability rounded in a file) stays finite.
 */
export function clampedLogit(p: number, eps = 1e-15): number {
  const q = Math.min(1 - eps, Math.max(eps, p));
  return Math.log(q / (1 - q));
}

/** Standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Upper tail Q(x) = P(Z > x) for x ≥ 3 by the Laplace continued fraction for Mills' ratio,
 * evaluated with the modified Lentz method (relative accuracy ~1e-15).
 */
function upperTailContinuedFraction(x: number): number {
  // Q(x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    d = x + k * d;
    d = d === 0 ? tiny : d;
    c = x + k / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return normalPdf(x) / f;
}

/**
 * Standard normal CDF Φ(x). |x| < 3: Marsaglia's series Φ(x) = ½ + φ(x)·Σ x^(2n+1)/(2n+1)!!
 * (Marsaglia 2004, J Stat Softw 11(4)), all terms positive; beyond, the continued fraction, so
 * small tail probabilities keep their relative accuracy.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 3) return 1 - upperTailContinuedFraction(x);
  if (x <= -3) return x === -Infinity ? 0 : upperTailContinuedFraction(-x);
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let n = 1; n < 200; n++) {
    term *= x2 / (2 * n + 1);
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return 0.5 + normalPdf(x) * sum;
}

/** Upper tail P(Z > x), without the cancellation of 1 − Φ(x) for large x. */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

// Acklam's rational approximation (relative error < 1.15e-9), refined below by one Halley step.
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/**
 * Standard normal quantile Φ⁻¹(p) (R's `qnorm`, SciPy's `norm.ppf`): Acklam's approximation
 * followed by one Halley step on {@link normalCdf}, which gives full double precision.
 * `normalQuantile(0.975)` is 1.959963984540054.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  // Halley refinement; in the upper tail work with the survival function to keep precision.
  const e = p > 0.5 ? normalSf(x) - (1 - p) : normalCdf(x) - p;
  const u = (p > 0.5 ? -e : e) * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + (x * u) / 2);
}

/** Two-sided p-value of a standard normal statistic: 2·P(Z > |z|). */
export function twoSidedNormalPValue(z: number): number {
  return Math.min(1, 2 * normalSf(Math.abs(z)));
}

/** The critical value z such that P(|Z| ≤ z) = level. */
export function normalCritical(level: number): number {
  return normalQuantile(1 - (1 - level) / 2);
}

/**
 * Binomial probabilities P(X = k) for X ~ Bin(n, ½), k = 0…n, computed in log space so that
 * n in the thousands neither underflows nor loses precision.
 */
export function binomialHalfPmf(n: number): Float64Array {
  const pmf = new Float64Array(n + 1);
  let logC = 0;
  const logHalfN = n * Math.log(0.5);
  for (let k = 0; k <= n; k++) {
    if (k > 0) logC += Math.log((n - k + 1) / k);
    pmf[k] = Math.exp(logC + logHalfN);
  }
  return pmf;
}

/** P(X ≤ k) for X ~ Bin(n, ½) (R's `pbinom(k, n, 0.5)`). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const pmf = binomialHalfPmf(n);
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += pmf[i];
  return Math.min(1, sum);
}

/** Linear-interpolated percentile (NumPy's default `np.percentile`, Hyndman & Fan type 7) of sorted values. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
