/**
 * Two-parameter logistic regression, logit P(y=1) = a + b·x, by Newton–Raphson (iteratively
 * reweighted least squares) — what the calibration slope and intercept need, with case weights for
 * the bootstrap. Equivalent to statsmodels' `Logit(y, [1, x]).fit()` / R's `glm(family=binomial)`.
 */

/** Fitted coefficients and their variances (inverse Fisher information). */
export interface LogisticFit {
  a: number;
  b: number;
  varA: number;
  varB: number;
  iterations: number;
}

/**
 * Fits a + b·x to binary y with optional case weights. With one predictor the maximum-likelihood
 * slope is infinite exactly when x separates the classes, allowing ties at the boundary
 * (max x of one class ≤ min x of the other; Albert & Anderson, Biometrika 1984): that is
 * checked first, because Newton steps shrink as the fitted probabilities saturate and would
 * otherwise look converged at an arbitrary large slope. With `fixedSlope`, b is held at that value
 * (an offset) and only a is fitted. `start` warm-starts the iteration (the bootstrap passes the
 * full-sample fit). Returns null when the fit diverges (perfect separation: coefficients beyond
 * 1e6), the information matrix is singular, or 100 steps do not converge (relative step < 1e-12).
 */
export function fitLogistic(
  y: Uint8Array,
  x: Float64Array,
  weights: Float64Array | null,
  fixedSlope: number | null,
  start: { a: number; b: number } = { a: 0, b: 1 },
): LogisticFit | null {
  if (fixedSlope === null && separated(y, x, weights)) return null;
  let a = start.a;
  let b = fixedSlope ?? start.b;
  for (let iter = 1; iter <= 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < y.length; i++) {
      const wi = weights === null ? 1 : weights[i];
      if (wi === 0) continue;
      const xi = x[i];
      const mu = 1 / (1 + Math.exp(-(a + b * xi)));
      const w = wi * mu * (1 - mu);
      const r = wi * (y[i] - mu);
      ga += r;
      gb += r * xi;
      haa += w;
      hab += w * xi;
      hbb += w * xi * xi;
    }
    let da: number;
    let db = 0;
    const det = haa * hbb - hab * hab;
    if (fixedSlope !== null) {
      if (!(haa > 0)) return null;
      da = ga / haa;
    } else {
      if (!(det > 0)) return null;
      da = (hbb * ga - hab * gb) / det;
      db = (haa * gb - hab * ga) / det;
    }
    const converged = Math.abs(da) < 1e-12 * (1 + Math.abs(a)) && Math.abs(db) < 1e-12 * (1 + Math.abs(b));
    a += da;
    b += db;
    if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(a) > 1e6 || Math.abs(b) > 1e6) return null;
    if (converged) {
      // The information at the previous iterate differs from the solution's by O(step) ≈ 1e-12.
      if (fixedSlope !== null) return { a, b, varA: 1 / haa, varB: 0, iterations: iter };
      return { a, b, varA: hbb / det, varB: haa / det, iterations: iter };
    }
  }
  return null;
}

/** True when x (quasi-)completely separates the classes among cases of positive weight. */
function separated(y: Uint8Array, x: Float64Array, weights: Float64Array | null): boolean {
  let minPos = Infinity;
  let maxPos = -Infinity;
  let minNeg = Infinity;
  let maxNeg = -Infinity;
  for (let i = 0; i < y.length; i++) {
    if (weights !== null && weights[i] === 0) continue;
    if (y[i] === 1) {
      minPos = Math.min(minPos, x[i]);
      maxPos = Math.max(maxPos, x[i]);
    } else {
      minNeg = Math.min(minNeg, x[i]);
      maxNeg = Math.max(maxNeg, x[i]);
    }
  }
  return maxNeg <= minPos || maxPos <= minNeg;
}
