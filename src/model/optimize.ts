/**
 * Limited-memory BFGS for smooth convex objectives (Liu & Nocedal, "On the limited memory BFGS
 * method for large scale optimization", Math Program 1989; the two-loop recursion of Nocedal &
 * Wright, Numerical Optimization 2006, Alg. 7.4), with a backtracking Armijo line search. The
 * solver behind scikit-learn's default `lbfgs` for logistic regression; deterministic.
 */
import { dot, maxAbs } from './matrix.js';

/** Computes f(x), writing ∇f(x) into `gradient`. */
export type ObjectiveWithGradient = (x: Float64Array, gradient: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Maximum iterations. */
  maxIter: number;
  /** Stop when max |∂f/∂xᵢ| ≤ tol (scipy's `gtol`). */
  tol: number;
  /** Number of correction pairs kept (scipy's `maxcor`, default 10). */
  memory?: number;
}

/** Result of a minimisation. */
export interface MinimizeResult {
  x: Float64Array;
  value: number;
  iterations: number;
  /** The gradient tolerance was met (or f stopped decreasing at machine precision). */
  converged: boolean;
  /** max |∂f/∂xᵢ| at x. */
  gradientMaxAbs: number;
}

/** Minimises f from x0 by L-BFGS. x0 is not modified. */
export function minimizeLbfgs(
  fg: ObjectiveWithGradient,
  x0: Float64Array,
  options: LbfgsOptions,
): MinimizeResult {
  const n = x0.length;
  const m = options.memory ?? 10;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  let iterations = 0;
  let converged = false;
  while (iterations < options.maxIter) {
    if (maxAbs(g) <= options.tol) {
      converged = true;
      break;
    }
    iterations++;
    // Two-loop recursion: d = −H·g with H the L-BFGS inverse-Hessian approximation.
    d.set(g);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d);
      axpy(-alpha[k], Y[k], d);
    }
    const last = S.length - 1;
    const gamma = last >= 0 ? 1 / (rho[last] * dot(Y[last], Y[last])) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) d[i] *= -gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], d);
      axpy(-alpha[k] - beta, S[k], d);
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      const norm = Math.max(1, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) d[i] = -g[i] / norm;
      slope = dot(g, d);
    }
    // Backtracking with safeguarded quadratic interpolation; the Armijo constant is 1e-4.
    let t = 1;
    let fNew = NaN;
    for (let tries = 0; tries < 50; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + t * d[i];
      fNew = fg(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * t * slope) break;
      const tq = Number.isFinite(fNew) ? (-slope * t * t) / (2 * (fNew - f - slope * t)) : 0.1 * t;
      t = Math.min(0.5 * t, Math.max(0.1 * t, tq));
      fNew = NaN;
    }
    if (!Number.isFinite(fNew)) break; // no decrease along d at any step length: stuck
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dot(s, yv);
    if (sy > 1e-10 * dot(yv, yv)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    const decrease = f - fNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    if (decrease <= 64 * Number.EPSILON * Math.max(1, Math.abs(f))) {
      // scipy's ftol = 64·eps (scikit-learn's setting): f no longer changes in double precision.
      converged = true;
      break;
    }
  }
  return { x, value: f, iterations, converged, gradientMaxAbs: maxAbs(g) };
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}
