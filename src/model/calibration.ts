/**
 * Probability calibration of a model's raw scores: Platt's sigmoid (Platt, "Probabilistic outputs
 * for support vector machines", 1999) or isotonic regression (Zadrozny & Elkan, KDD 2002), as
 * scikit-learn's `CalibratedClassifierCV(method=…, ensemble=False)`: one map per output, fitted on
 * out-of-fold scores of the training rows (never on rows that are later tested), multi-class
 * probabilities renormalised to sum 1. A calibrator is plain JSON data.
 */
import { fitLogistic } from '../stats/index.js';
import { column, sigmoid, zeros, type Matrix64 } from './matrix.js';
import { probabilitiesFromDecision } from './estimator.js';
import { modelError, readNumber, readNumbers } from './validate.js';

/** Calibration methods: `'none'` uses the model's own sigmoid/softmax. */
export const CALIBRATION_METHODS = ['sigmoid', 'isotonic', 'none'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];

/** P(class) = σ(a + b·score). */
export interface SigmoidMap {
  a: number;
  b: number;
}

/**
 * A non-decreasing step-linear map: linear interpolation between the points (x, y), x ascending,
 * clipped to [x₀, x_last] outside (scikit-learn's `IsotonicRegression(out_of_bounds='clip')`).
 */
export interface IsotonicMap {
  x: number[];
  y: number[];
}

/** A fitted calibrator: one map per model output (1 for binary, K for multi-class). */
export type Calibrator =
  | { method: 'none' }
  | { method: 'sigmoid'; maps: SigmoidMap[] }
  | { method: 'isotonic'; maps: IsotonicMap[] };

/**
 * Platt scaling of one score column: a logistic fit of the targets on the score, with Platt's
 * smoothed targets (N₊+1)/(N₊+2) for positives and 1/(N₋+2) for negatives that keep the fit
 * finite under separation (as scikit-learn's `_sigmoid_calibration`). Fitted by Newton's method
 * ({@link fitLogistic}) on each row twice, once per target with weights t and 1 − t. All scores
 * equal: the map is the constant mean target (b = 0).
 */
export function fitSigmoidMap(score: Float64Array, positive: Uint8Array, weight?: Float64Array): SigmoidMap {
  const n = score.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += positive[i];
  const tPos = (nPos + 1) / (nPos + 2);
  const tNeg = 1 / (n - nPos + 2);
  const x = new Float64Array(2 * n);
  const y = new Uint8Array(2 * n);
  const w = new Float64Array(2 * n);
  let wSum = 0;
  let tSum = 0;
  for (let i = 0; i < n; i++) {
    const t = positive[i] ? tPos : tNeg;
    const wi = weight ? weight[i] : 1;
    x[i] = x[n + i] = score[i];
    y[i] = 1;
    w[i] = wi * t;
    w[n + i] = wi * (1 - t);
    wSum += wi;
    tSum += wi * t;
  }
  const fit = fitLogistic(y, x, w, null, { a: 0, b: 0 });
  if (fit !== null) return { a: fit.a, b: fit.b };
  const mean = tSum / wSum;
  return { a: Math.log(mean / (1 - mean)), b: 0 };
}

/**
 * Isotonic (monotone non-decreasing) regression of the 0/1 targets on the score by the
 * pool-adjacent-violators algorithm (Ayer et al. 1955; scikit-learn's `IsotonicRegression`), tied
 * scores pooled first; only the ends of each constant run are kept.
 */
export function fitIsotonicMap(
  score: Float64Array,
  positive: Uint8Array,
  weight?: Float64Array,
): IsotonicMap {
  const order = Array.from(score.keys()).sort((i, j) => score[i] - score[j]);
  // Blocks of the PAV stack: weighted mean, weight, and the range of distinct scores they cover.
  const value: number[] = [];
  const mass: number[] = [];
  const xs: number[] = [];
  const first: number[] = [];
  for (let r = 0; r < order.length; r++) {
    const i = order[r];
    const wi = weight ? weight[i] : 1;
    if (wi === 0) continue;
    if (xs.length > 0 && score[i] === xs[xs.length - 1]) {
      const top = value.length - 1;
      value[top] = (value[top] * mass[top] + wi * positive[i]) / (mass[top] + wi);
      mass[top] += wi;
    } else {
      xs.push(score[i]);
      value.push(positive[i]);
      mass.push(wi);
      first.push(xs.length - 1);
    }
    while (value.length > 1 && value[value.length - 2] >= value[value.length - 1]) {
      const v = value.pop()!;
      const m = mass.pop()!;
      first.pop();
      const top = value.length - 1;
      value[top] = (value[top] * mass[top] + v * m) / (mass[top] + m);
      mass[top] += m;
    }
  }
  if (xs.length === 0) modelError('invalid_input', 'isotonic calibration needs rows of positive weight');
  const x: number[] = [];
  const y: number[] = [];
  value.forEach((v, b) => {
    const lo = xs[first[b]];
    const hi = b + 1 < first.length ? xs[first[b + 1] - 1] : xs[xs.length - 1];
    x.push(lo);
    y.push(v);
    if (hi !== lo) {
      x.push(hi);
      y.push(v);
    }
  });
  return { x, y };
}

function applySigmoid(map: SigmoidMap, s: number): number {
  return sigmoid(map.a + map.b * s);
}

function applyIsotonic(map: IsotonicMap, s: number): number {
  const { x, y } = map;
  if (s <= x[0]) return y[0];
  if (s >= x[x.length - 1]) return y[y.length - 1];
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= s) lo = mid;
    else hi = mid;
  }
  return y[lo] + ((y[hi] - y[lo]) * (s - x[lo])) / (x[hi] - x[lo]);
}

/**
 * Fits a calibrator on raw scores (n × 1 binary logits, or n × K class logits) of rows the
 * model was not trained on, against their class indices.
 */
export function fitCalibrator(
  decision: Matrix64,
  y: Int32Array,
  method: CalibrationMethod,
  weight?: Float64Array,
): Calibrator {
  if (method === 'none') return { method };
  const classes = decision.cols === 1 ? [1] : Array.from({ length: decision.cols }, (_, k) => k);
  const fit = method === 'sigmoid' ? fitSigmoidMap : fitIsotonicMap;
  const maps = classes.map((k, c) =>
    fit(
      column(decision, c),
      Uint8Array.from(y, (v) => (v === k ? 1 : 0)),
      weight,
    ),
  );
  return method === 'sigmoid'
    ? { method, maps: maps as SigmoidMap[] }
    : { method, maps: maps as IsotonicMap[] };
}

/** Calibrated class probabilities (n × K, rows summing to 1) from raw scores. */
export function applyCalibrator(calibrator: Calibrator, decision: Matrix64): Matrix64 {
  if (calibrator.method === 'none') return probabilitiesFromDecision(decision);
  const { rows, cols } = decision;
  if (calibrator.maps.length !== cols) {
    modelError('invalid_pipeline', `calibrator has ${calibrator.maps.length} maps for ${cols} score columns`);
  }
  const map = (c: number, s: number) =>
    calibrator.method === 'sigmoid'
      ? applySigmoid(calibrator.maps[c], s)
      : applyIsotonic(calibrator.maps[c], s);
  if (cols === 1) {
    const out = zeros(rows, 2);
    for (let i = 0; i < rows; i++) {
      const p = map(0, decision.data[i]);
      out.data[2 * i] = 1 - p;
      out.data[2 * i + 1] = p;
    }
    return out;
  }
  const out = zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += out.data[i * cols + c] = map(c, decision.data[i * cols + c]);
    // Every one-vs-rest map at 0 (possible with isotonic maps): uniform, as scikit-learn does.
    for (let c = 0; c < cols; c++) out.data[i * cols + c] = sum > 0 ? out.data[i * cols + c] / sum : 1 / cols;
  }
  return out;
}

/** Checks a calibrator read from JSON (`invalid_pipeline` if malformed). */
export function readCalibrator(json: unknown, outputs: number, where = 'calibrator'): Calibrator {
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (o.method === 'none') return { method: 'none' };
  if (
    (o.method !== 'sigmoid' && o.method !== 'isotonic') ||
    !Array.isArray(o.maps) ||
    o.maps.length !== outputs
  ) {
    modelError(
      'invalid_pipeline',
      `${where} must have method none, sigmoid or isotonic and ${outputs} maps`,
      {
        where,
      },
    );
  }
  const maps = o.maps as Record<string, unknown>[];
  if (o.method === 'sigmoid') {
    return {
      method: 'sigmoid',
      maps: maps.map((m, c) => ({
        a: readNumber(m?.a, `${where}.maps[${c}].a`),
        b: readNumber(m?.b, `${where}.maps[${c}].b`),
      })),
    };
  }
  return {
    method: 'isotonic',
    maps: maps.map((m, c) => {
      const x = Array.from(readNumbers(m?.x, `${where}.maps[${c}].x`));
      const y = Array.from(readNumbers(m?.y, `${where}.maps[${c}].y`, x.length));
      if (x.length === 0 || x.some((v, i) => i > 0 && v < x[i - 1])) {
        modelError('invalid_pipeline', `${where}.maps[${c}].x must be non-empty and ascending`, { where });
      }
      return { x, y };
    }),
  };
}
