/**
 * Feature standardisation, z = (x − mean) / scale: scikit-learn's `StandardScaler` (population
 * standard deviation, ddof = 0; a constant column gets scale 1 so it maps to 0 instead of NaN).
 * Fitted on training rows only — fitting it on rows that are later tested leaks their
 * distribution into the model.
 *
 * Missing values (NaN: a pose-sensitive measure on a turned head, colour on a greyscale photo) are
 * left out of the fit and standardised to 0, i.e. imputed with the training mean — scikit-learn's
 * `SimpleImputer(strategy='mean')` before the scaler, fitted on the same training rows.
 */
import { zeros, type Matrix, type Matrix64 } from './matrix.js';
import { modelError } from './validate.js';

/** A fitted standardiser: JSON-safe. */
export interface Standardizer {
  mean: number[];
  scale: number[];
}

/**
 * Fits the mean and scale of each column over the given rows of X (all rows when `rows` is
 * omitted). Columns whose standard deviation is below 1e-12 × (1 + |mean|) get scale 1.
 */
export function fitStandardizer(X: Matrix, rows?: ArrayLike<number>): Standardizer {
  const { cols, data } = X;
  const n = rows ? rows.length : X.rows;
  if (n === 0) modelError('invalid_input', 'cannot fit a standardizer on zero rows');
  const mean = new Float64Array(cols);
  const m2 = new Float64Array(cols);
  const count = new Float64Array(cols);
  // Two passes (mean, then squared deviations): exact enough without Welford's per-element division.
  for (let r = 0; r < n; r++) {
    const off = (rows ? rows[r] : r) * cols;
    for (let j = 0; j < cols; j++) {
      const v = data[off + j];
      if (v === v) {
        mean[j] += v;
        count[j]++;
      }
    }
  }
  for (let j = 0; j < cols; j++) mean[j] = count[j] > 0 ? mean[j] / count[j] : 0;
  for (let r = 0; r < n; r++) {
    const off = (rows ? rows[r] : r) * cols;
    for (let j = 0; j < cols; j++) {
      const v = data[off + j];
      if (v === v) m2[j] += (v - mean[j]) ** 2;
    }
  }
  const scale = Array.from(m2, (s, j) => {
    const sd = count[j] > 0 ? Math.sqrt(s / count[j]) : 0;
    return sd > 1e-12 * (1 + Math.abs(mean[j])) ? sd : 1;
  });
  return { mean: Array.from(mean), scale };
}

/**
 * Standardises the given rows of X (all rows when omitted) into a new float64 matrix; a missing
 * value (NaN) becomes 0, the training mean. Throws
 * `feature_mismatch` when X's width differs from the standardiser's.
 */
export function applyStandardizer(s: Standardizer, X: Matrix, rows?: ArrayLike<number>): Matrix64 {
  const { cols, data } = X;
  if (cols !== s.mean.length) {
    modelError('feature_mismatch', `X has ${cols} columns, the standardizer was fitted on ${s.mean.length}`, {
      columns: cols,
      expected: s.mean.length,
    });
  }
  const n = rows ? rows.length : X.rows;
  const out = zeros(n, cols);
  const mean = Float64Array.from(s.mean);
  const inv = Float64Array.from(s.scale, (v) => 1 / v);
  for (let r = 0; r < n; r++) {
    const off = (rows ? rows[r] : r) * cols;
    const o = r * cols;
    for (let j = 0; j < cols; j++) {
      const v = data[off + j];
      out.data[o + j] = v === v ? (v - mean[j]) * inv[j] : 0;
    }
  }
  return out;
}
