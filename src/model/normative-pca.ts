import { createRandom } from '../stats/index.js';
import { symmetricEigen } from '../util/index.js';

/**
 * A low-rank model of a descriptor space over normal faces: the mean and the top-k principal axes
 * (randomised subspace iteration, Halko et al. 2011), with the variance along each. A face's
 * distance from normal is summarised by Hotelling's T² inside the subspace and the squared
 * residual outside it (the two classic PCA monitoring statistics).
 */
export interface LowRankModel {
  mean: number[];
  /** k × d principal axes, rows unit-length. */
  components: number[][];
  /** Variance along each axis. */
  variances: number[];
  /** Mean squared residual per dimension over the fitting set (scale for the residual). */
  residualScale: number;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Gram–Schmidt, in place; returns the vectors (rows) orthonormalised. */
function orthonormalise(vs: Float64Array[]): Float64Array[] {
  for (let i = 0; i < vs.length; i++) {
    for (let j = 0; j < i; j++) {
      const p = dot(vs[i], vs[j]);
      for (let t = 0; t < vs[i].length; t++) vs[i][t] -= p * vs[j][t];
    }
    const n = Math.sqrt(dot(vs[i], vs[i])) || 1;
    for (let t = 0; t < vs[i].length; t++) vs[i][t] /= n;
  }
  return vs;
}

export function fitLowRank(rows: readonly ArrayLike<number>[], k: number, seed = 1): LowRankModel {
  const n = rows.length;
  const d = rows[0].length;
  const rank = Math.min(k, n - 1, d);
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / n;
  const X = rows.map((r) => Float64Array.from({ length: d }, (_, j) => r[j] - mean[j]));
  const rnd = createRandom(seed);
  const p = Math.min(d, rank + 8);
  let Q = orthonormalise(
    Array.from({ length: p }, () => Float64Array.from({ length: d }, () => rnd.next() * 2 - 1)),
  );
  // Subspace iteration on XᵀX: Q ← orth(Xᵀ X Q).
  for (let it = 0; it < 6; it++) {
    Q = orthonormalise(
      Q.map((q) => {
        const out = new Float64Array(d);
        for (const x of X) {
          const s = dot(x, q);
          for (let j = 0; j < d; j++) out[j] += s * x[j];
        }
        return out;
      }),
    );
  }
  // Rayleigh–Ritz: eigen-decompose the small p×p matrix QᵀXᵀXQ by Jacobi.
  const proj = X.map((x) => Q.map((q) => dot(x, q)));
  const S = Q.map((_, a) => Q.map((__, b) => proj.reduce((s, r) => s + r[a] * r[b], 0) / (n - 1)));
  const { values, vectors } = symmetricEigen(S);
  const order = values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, rank);
  const components = order.map(([, i]) => {
    const c = new Float64Array(d);
    for (let a = 0; a < p; a++) for (let j = 0; j < d; j++) c[j] += vectors[a][i] * Q[a][j];
    return Array.from(c);
  });
  const variances = order.map(([v]) => v);
  const model: LowRankModel = { mean: Array.from(mean), components, variances, residualScale: 1 };
  const meanResidual = rows.reduce((s, r) => s + lowRankScores(model, r).residual, 0) / n;
  model.residualScale = meanResidual / d || 1;
  return model;
}

/** T² inside the subspace and the squared residual outside it, for one descriptor. */
export function lowRankScores(model: LowRankModel, x: ArrayLike<number>): { t2: number; residual: number } {
  const d = model.mean.length;
  const centred = Float64Array.from({ length: d }, (_, j) => x[j] - model.mean[j]);
  let t2 = 0;
  let explained = 0;
  model.components.forEach((c, i) => {
    const s = dot(centred, c);
    t2 += (s * s) / Math.max(model.variances[i], 1e-12);
    explained += s * s;
  });
  return { t2, residual: Math.max(0, dot(centred, centred) - explained) };
}
