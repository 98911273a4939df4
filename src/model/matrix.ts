/**
 * A tiny dense row-major matrix and the few kernels the supervised models need. No linear-algebra
 * library: the models only multiply by a matrix, accumulate a Gram matrix and solve small
 * positive-definite systems (Cholesky).
 */
import { modelError } from './validate.js';

/** A dense row-major matrix: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  data: Float64Array | Float32Array;
  rows: number;
  cols: number;
}

/** A matrix of float64 values: what every model computes with internally. */
export interface Matrix64 extends Matrix {
  data: Float64Array;
}

/** A zero-filled float64 matrix. */
export function zeros(rows: number, cols: number): Matrix64 {
  return { data: new Float64Array(rows * cols), rows, cols };
}

/**
 * Builds a matrix from nested rows (`number[][]`); every row must have the same length
 * (`invalid_input` otherwise).
 */
export function fromRows(rows: readonly (ArrayLike<number> | readonly number[])[]): Matrix64 {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  const out = zeros(rows.length, cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) {
      modelError('invalid_input', `row ${i} has ${r.length} values, row 0 has ${cols}`, { row: i });
    }
    for (let j = 0; j < cols; j++) out.data[i * cols + j] = r[j];
  });
  return out;
}

/** The rows as plain nested arrays (JSON-safe). */
export function toRows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(row(m, i)));
}

/** Row i as a view (no copy). */
export function row(m: Matrix, i: number): Float64Array | Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Column j as a new array. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** The listed rows, in that order, as a new float64 matrix. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix64 {
  const out = zeros(indices.length, m.cols);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    out.data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), r * m.cols);
  }
  return out;
}

/** Matrices with the same columns, one below the other. */
export function stackRows(ms: readonly Matrix[]): Matrix64 {
  const cols = ms[0]?.cols ?? 0;
  if (ms.some((m) => m.cols !== cols)) throw new Error('stackRows: matrices differ in columns');
  const out = zeros(
    ms.reduce((n, m) => n + m.rows, 0),
    cols,
  );
  let offset = 0;
  for (const m of ms) {
    out.data.set(m.data.subarray(0, m.rows * cols), offset);
    offset += m.rows * cols;
  }
  return out;
}

/** The listed entries of a vector, in that order. */
export function take<T extends Float64Array | Int32Array>(v: T, indices: ArrayLike<number>): T {
  const out = new (v.constructor as new (n: number) => T)(indices.length);
  for (let r = 0; r < indices.length; r++) out[r] = v[indices[r]];
  return out;
}

/**
 * out = X·wᵀ + b for a weight matrix W (k × cols) and bias b (k): one row of scores per row of X.
 * The kernel of every linear layer here.
 */
export function linear(X: Matrix, W: Float64Array, b: Float64Array, k: number): Matrix64 {
  const { rows, cols, data } = X;
  const out = zeros(rows, k);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let c = 0; c < k; c++) {
      const wOff = c * cols;
      let s = b[c];
      for (let j = 0; j < cols; j++) s += data[off + j] * W[wOff + j];
      out.data[i * k + c] = s;
    }
  }
  return out;
}

/** Dot product of two equal-length vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The largest absolute entry (the ∞-norm), 0 for an empty vector. */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

/**
 * Solves A·x = b for a symmetric positive-definite A (n × n, row-major, only the lower triangle
 * read) by Cholesky factorisation. Returns null when A is not numerically positive definite.
 */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * x[k];
    x[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/** Logistic sigmoid 1/(1+e^(−z)), computed without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + e^z) without overflow: the logistic loss of a negative case at margin z. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * In-place softmax of `v[off … off+k)`; returns log Σ exp (the log-partition), so the
 * cross-entropy of class c is `logSumExp − z_c`.
 */
export function softmaxInPlace(v: Float64Array, off: number, k: number): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, v[off + c]);
  let s = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(v[off + c] - max);
    v[off + c] = e;
    s += e;
  }
  for (let c = 0; c < k; c++) v[off + c] /= s;
  return max + Math.log(s);
}

/** The matrix itself when it is float64 already, else a float64 copy. */
export function asFloat64(m: Matrix): Matrix64 {
  return m.data instanceof Float64Array
    ? (m as Matrix64)
    : { data: Float64Array.from(m.data), rows: m.rows, cols: m.cols };
}
