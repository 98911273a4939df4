import type { Point2 } from '../util/index.js';

/**
 * Thin-plate splines in 2-D (Bookstein 1989, "Principal warps"): the smoothest map (least bending
 * energy) that takes given values at given control points. A vector-valued spline is two scalar
 * splines sharing one kernel matrix, so the (n + 3)² system is factorised once and solved for both
 * components.
 *
 * f(p) = a₀ + a₁·x + a₂·y + Σᵢ wᵢ · U(|p − cᵢ|),  U(r) = r² · log r²  (U(0) = 0),
 * with Σ wᵢ = Σ wᵢ·xᵢ = Σ wᵢ·yᵢ = 0, so an affine map is reproduced exactly.
 */
export interface ThinPlateSpline {
  /** Control points, interleaved x, y. */
  centres: Float64Array;
  /** Kernel weights, interleaved (x component, y component) per control point. */
  weights: Float64Array;
  /** Affine part: [a₀, a₁, a₂] for the x component, then for the y component. */
  affine: Float64Array;
}

const kernel = (r2: number): number => (r2 > 0 ? r2 * Math.log(r2) : 0);

function swapRows(a: Float64Array, cols: number, r: number, s: number): void {
  for (let j = 0; j < cols; j++) {
    const t = a[r * cols + j];
    a[r * cols + j] = a[s * cols + j];
    a[s * cols + j] = t;
  }
}

/**
 * Solves A·X = B in place for a dense n×n matrix and `m` right-hand sides (LU with partial
 * pivoting). A is row-major and is overwritten; B (n×m, row-major) receives the solution.
 * Throws when the matrix is singular (two control points at the same place with different values).
 */
function solveInPlace(a: Float64Array, b: Float64Array, n: number, m: number): void {
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best < 1e-14) throw new Error('thin-plate spline system is singular (coincident control points?)');
    if (p !== k) {
      swapRows(a, n, k, p);
      swapRows(b, m, k, p);
    }
    const pivot = a[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k] / pivot;
      if (f === 0) continue;
      const ri = i * n;
      const rk = k * n;
      for (let j = k; j < n; j++) a[ri + j] -= f * a[rk + j];
      for (let j = 0; j < m; j++) b[i * m + j] -= f * b[k * m + j];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    for (let j = 0; j < m; j++) {
      let s = b[k * m + j];
      for (let i = k + 1; i < n; i++) s -= a[k * n + i] * b[i * m + j];
      b[k * m + j] = s / a[k * n + k];
    }
  }
}

/**
 * Fits the thin-plate spline taking `values[i]` at `points[i]`.
 *
 * @param regularisation λ added to the kernel diagonal: 0 interpolates exactly; a small λ (1e-6 in
 *   face units) trades exactness for stability when control points nearly coincide.
 */
export function fitThinPlateSpline(
  points: readonly Point2[],
  values: readonly Point2[],
  regularisation = 0,
): ThinPlateSpline {
  const n = points.length;
  if (n < 3 || values.length !== n) throw new Error('fitThinPlateSpline needs ≥ 3 points and one value each');
  const size = n + 3;
  const a = new Float64Array(size * size);
  const b = new Float64Array(size * 2);
  for (let i = 0; i < n; i++) {
    const [xi, yi] = points[i];
    for (let j = i; j < n; j++) {
      const u = kernel((xi - points[j][0]) ** 2 + (yi - points[j][1]) ** 2);
      a[i * size + j] = u;
      a[j * size + i] = u;
    }
    a[i * size + i] += regularisation;
    const row = [1, xi, yi];
    for (let k = 0; k < 3; k++) {
      a[i * size + n + k] = row[k];
      a[(n + k) * size + i] = row[k];
    }
    b[i * 2] = values[i][0];
    b[i * 2 + 1] = values[i][1];
  }
  solveInPlace(a, b, size, 2);
  const centres = new Float64Array(n * 2);
  points.forEach(([x, y], i) => {
    centres[i * 2] = x;
    centres[i * 2 + 1] = y;
  });
  return {
    centres,
    weights: b.slice(0, n * 2),
    affine: Float64Array.of(
      b[n * 2],
      b[(n + 1) * 2],
      b[(n + 2) * 2],
      b[n * 2 + 1],
      b[(n + 1) * 2 + 1],
      b[(n + 2) * 2 + 1],
    ),
  };
}

/** Evaluates the spline at (x, y). */
export function evalThinPlateSpline(tps: ThinPlateSpline, x: number, y: number): Point2 {
  const { centres: c, weights: w, affine: f } = tps;
  let fx = f[0] + f[1] * x + f[2] * y;
  let fy = f[3] + f[4] * x + f[5] * y;
  for (let i = 0; i < c.length; i += 2) {
    const u = kernel((x - c[i]) ** 2 + (y - c[i + 1]) ** 2);
    fx += w[i] * u;
    fy += w[i + 1] * u;
  }
  return [fx, fy];
}
