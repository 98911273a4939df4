/**
 * A small multi-layer perceptron: one hidden layer of ReLU units, a sigmoid (binary) or softmax
 * (multi-class) output, L2 weight decay, Adam, and early stopping on a validation split of whole
 * subjects — scikit-learn's `MLPClassifier(hidden_layer_sizes=(h,), activation='relu',
 * solver='adam', alpha=…, early_stopping=True)` (Kingma & Ba, "Adam", ICLR 2015; Glorot & Bengio
 * 2010 initialisation). Plain typed arrays; deterministic given the seed.
 */
import { asFloat64, sigmoid, softplus, softmaxInPlace, zeros, type Matrix, type Matrix64 } from './matrix.js';
import {
  checkFeatureCount,
  prepareTraining,
  probabilitiesFromDecision,
  type Estimator,
  type FitOptions,
  type FittedEstimator,
} from './estimator.js';
import { deriveSeed, shuffleInPlace, stratifiedGroupHoldout } from './splits.js';
import { createRandom } from '../stats/index.js';
import { checkNumber, modelError, readNumber, readNumbers, readTyped } from './validate.js';

/** Hyper-parameters of {@link MlpClassifier}. */
export interface MlpOptions {
  /** Hidden ReLU units (default 32). */
  hiddenUnits: number;
  /** L2 penalty on the weights (not biases), scikit-learn's `alpha` (default 1e-4). */
  weightDecay: number;
  /** Adam step size (default 1e-3). */
  learningRate: number;
  /** Rows per mini-batch (default 32, or all rows when fewer). */
  batchSize: number;
  /** Maximum passes over the training rows (default 200). */
  maxEpochs: number;
  /** Stop after this many epochs without an improvement of at least `tol` (default 10). */
  patience: number;
  /** Minimum improvement of the monitored loss (default 1e-4). */
  tol: number;
  /**
   * Fraction of subjects held out (per class) to monitor the validation loss and keep the best
   * epoch's weights (default 0.1). 0 monitors the training loss and keeps the last weights.
   */
  validationFraction: number;
}

export const defaultMlpOptions: Readonly<MlpOptions> = Object.freeze({
  hiddenUnits: 32,
  weightDecay: 1e-4,
  learningRate: 1e-3,
  batchSize: 32,
  maxEpochs: 200,
  patience: 10,
  tol: 1e-4,
  validationFraction: 0.1,
});

/** A fitted network's JSON form (`W1`: one row of input weights per hidden unit). */
export interface SerializedMlp {
  type: 'mlp';
  nClasses: number;
  weightDecay: number;
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
}

/** The network's parameters, flat: [W1 (h × d), b1 (h), W2 (m × h), b2 (m)]. */
interface Layout {
  d: number;
  h: number;
  m: number;
  b1: number;
  W2: number;
  b2: number;
  size: number;
}

function layout(d: number, h: number, m: number): Layout {
  const b1 = h * d;
  const W2 = b1 + h;
  const b2 = W2 + m * h;
  return { d, h, m, b1, W2, b2, size: b2 + m };
}

/**
 * Forward pass of row `off` of `data`: hidden activations into `a`, output logits into `z`;
 * returns the row's loss when `label` ≥ 0 (and turns `z` into dLoss/dz), else leaves the logits.
 */
function forward(
  L: Layout,
  p: Float64Array,
  data: Float64Array,
  off: number,
  a: Float64Array,
  z: Float64Array,
  label: number,
): number {
  const { d, h, m } = L;
  for (let u = 0; u < h; u++) {
    const w = u * d;
    let s = p[L.b1 + u];
    for (let j = 0; j < d; j++) s += data[off + j] * p[w + j];
    a[u] = s > 0 ? s : 0;
  }
  for (let k = 0; k < m; k++) {
    let s = p[L.b2 + k];
    for (let u = 0; u < h; u++) s += a[u] * p[L.W2 + k * h + u];
    z[k] = s;
  }
  if (label < 0) return 0;
  if (m === 1) {
    const loss = label === 1 ? softplus(-z[0]) : softplus(z[0]);
    z[0] = sigmoid(z[0]) - label;
    return loss;
  }
  const zy = z[label];
  const loss = softmaxInPlace(z, 0, m) - zy;
  z[label] -= 1;
  return loss;
}

/**
 * One-hidden-layer MLP classifier (scikit-learn's `MLPClassifier` with one hidden layer, ReLU,
 * Adam and early stopping). Binary models have one sigmoid output (the logit of class 1);
 * multi-class models a softmax over K outputs.
 */
export class MlpClassifier implements Estimator {
  readonly type = 'mlp' as const;
  readonly options: MlpOptions;

  constructor(options: Partial<MlpOptions> = {}) {
    this.options = { ...defaultMlpOptions, ...options };
    const o = this.options;
    checkNumber('hiddenUnits', o.hiddenUnits, 1, 4096, true);
    checkNumber('weightDecay', o.weightDecay, 0);
    checkNumber('learningRate', o.learningRate, Number.MIN_VALUE);
    checkNumber('batchSize', o.batchSize, 1, Infinity, true);
    checkNumber('maxEpochs', o.maxEpochs, 1, Infinity, true);
    checkNumber('patience', o.patience, 1, Infinity, true);
    checkNumber('tol', o.tol, 0);
    checkNumber('validationFraction', o.validationFraction, 0, 0.5);
  }

  fit(X: Matrix, y: ArrayLike<number>, options: FitOptions = {}): MlpModel {
    const o = this.options;
    const data = prepareTraining(X, y, options);
    const X64 = asFloat64(X);
    const { rows, cols } = X64;
    const m = data.nClasses === 2 ? 1 : data.nClasses;
    const L = layout(cols, o.hiddenUnits, m);
    const seed = options.seed ?? 0;
    const rng = createRandom(seed);
    const groups = options.groups ?? Int32Array.from({ length: rows }, (_, i) => i);
    const held =
      o.validationFraction > 0
        ? stratifiedGroupHoldout(data.y, groups, o.validationFraction, deriveSeed(seed, 1))
        : new Uint8Array(rows);
    const train: number[] = [];
    const valid: number[] = [];
    for (let i = 0; i < rows; i++) (held[i] ? valid : train).push(i);
    // Weights with mean 1 over the training rows, so a batch's loss is a weighted mean.
    let trainWeight = 0;
    for (const i of train) trainWeight += data.weight[i];
    const w = Float64Array.from(data.weight, (v) => (v * train.length) / trainWeight);

    const p = new Float64Array(L.size);
    const bound1 = Math.sqrt(6 / (cols + o.hiddenUnits));
    for (let k = 0; k < L.b1; k++) p[k] = (2 * rng.next() - 1) * bound1;
    const bound2 = Math.sqrt(6 / (o.hiddenUnits + m));
    for (let k = L.W2; k < L.b2; k++) p[k] = (2 * rng.next() - 1) * bound2;
    const g = new Float64Array(L.size);
    const m1 = new Float64Array(L.size);
    const m2 = new Float64Array(L.size);
    const a = new Float64Array(o.hiddenUnits);
    const z = new Float64Array(m);
    const dz = new Float64Array(m);
    const batch = Math.min(o.batchSize, train.length);
    let best = p.slice();
    let bestLoss = Infinity;
    let bestEpoch = 0;
    let sinceBest = 0;
    let step = 0;
    let epoch = 0;
    const order = Int32Array.from(train);
    const { h, d } = L;
    while (epoch < o.maxEpochs && sinceBest < o.patience) {
      epoch++;
      shuffleInPlace(order, rng);
      let trainLoss = 0;
      for (let start = 0; start < order.length; start += batch) {
        const end = Math.min(order.length, start + batch);
        const B = end - start;
        g.fill(0);
        for (let r = start; r < end; r++) {
          const i = order[r];
          const off = i * d;
          const wi = w[i] / B;
          trainLoss += w[i] * forward(L, p, X64.data, off, a, z, data.y[i]);
          for (let k = 0; k < m; k++) {
            dz[k] = wi * z[k];
            g[L.b2 + k] += dz[k];
            for (let u = 0; u < h; u++) g[L.W2 + k * h + u] += dz[k] * a[u];
          }
          for (let u = 0; u < h; u++) {
            if (a[u] === 0) continue;
            let da = 0;
            for (let k = 0; k < m; k++) da += p[L.W2 + k * h + u] * dz[k];
            g[L.b1 + u] += da;
            const wOff = u * d;
            for (let j = 0; j < d; j++) g[wOff + j] += da * X64.data[off + j];
          }
        }
        const decay = o.weightDecay / B;
        for (let k = 0; k < L.b1; k++) g[k] += decay * p[k];
        for (let k = L.W2; k < L.b2; k++) g[k] += decay * p[k];
        // Adam (β1 = 0.9, β2 = 0.999, ε = 1e-8) with bias correction folded into the step size.
        step++;
        const lr = (o.learningRate * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step);
        for (let k = 0; k < L.size; k++) {
          m1[k] = 0.9 * m1[k] + 0.1 * g[k];
          m2[k] = 0.999 * m2[k] + 0.001 * g[k] * g[k];
          p[k] -= (lr * m1[k]) / (Math.sqrt(m2[k]) + 1e-8);
        }
      }
      let monitored = trainLoss / order.length;
      if (valid.length > 0) {
        let loss = 0;
        let total = 0;
        for (const i of valid) {
          loss += w[i] * forward(L, p, X64.data, i * d, a, z, data.y[i]);
          total += w[i];
        }
        monitored = total > 0 ? loss / total : monitored;
      }
      if (!Number.isFinite(monitored)) {
        modelError(
          'invalid_input',
          `the MLP diverged at epoch ${epoch} (non-finite loss); lower learningRate`,
          {
            epoch,
            learningRate: o.learningRate,
          },
        );
      }
      if (monitored < bestLoss - o.tol) {
        bestLoss = monitored;
        bestEpoch = epoch;
        sinceBest = 0;
        if (valid.length > 0) best = p.slice();
      } else {
        sinceBest++;
      }
    }
    if (valid.length === 0) best = p;
    return new MlpModel(best, cols, o.hiddenUnits, data.nClasses, o.weightDecay, {
      epochs: epoch,
      bestEpoch,
      bestLoss,
      validationRows: valid.length,
    });
  }
}

/** How an MLP fit ended. */
export interface MlpFitInfo {
  epochs: number;
  /** Epoch whose weights were kept (the best validation loss). */
  bestEpoch: number;
  bestLoss: number;
  validationRows: number;
}

/** A fitted MLP. */
export class MlpModel implements FittedEstimator {
  readonly type = 'mlp' as const;
  private readonly layout: Layout;

  constructor(
    readonly params: Float64Array,
    readonly nFeatures: number,
    readonly hiddenUnits: number,
    readonly nClasses: number,
    readonly weightDecay: number,
    readonly info: MlpFitInfo | null = null,
  ) {
    this.layout = layout(nFeatures, hiddenUnits, nClasses === 2 ? 1 : nClasses);
    if (params.length !== this.layout.size) {
      modelError('invalid_pipeline', `MLP has ${params.length} parameters, expected ${this.layout.size}`);
    }
  }

  /** Output logits (n × 1 for binary, n × K for multi-class). */
  decisionFunction(X: Matrix): Matrix64 {
    checkFeatureCount(X, this.nFeatures, 'MLP');
    const X64 = asFloat64(X);
    const L = this.layout;
    const out = zeros(X.rows, L.m);
    const a = new Float64Array(L.h);
    const z = new Float64Array(L.m);
    for (let i = 0; i < X.rows; i++) {
      forward(L, this.params, X64.data, i * L.d, a, z, -1);
      out.data.set(z, i * L.m);
    }
    return out;
  }

  predictProba(X: Matrix): Matrix64 {
    return probabilitiesFromDecision(this.decisionFunction(X));
  }

  toJSON(): SerializedMlp {
    const { d, h, m } = this.layout;
    const p = this.params;
    const L = this.layout;
    const rowsOf = (start: number, n: number, len: number) =>
      Array.from({ length: n }, (_, r) => Array.from(p.subarray(start + r * len, start + (r + 1) * len)));
    return {
      type: 'mlp',
      nClasses: this.nClasses,
      weightDecay: this.weightDecay,
      W1: rowsOf(0, h, d),
      b1: Array.from(p.subarray(L.b1, L.b1 + h)),
      W2: rowsOf(L.W2, m, h),
      b2: Array.from(p.subarray(L.b2, L.b2 + m)),
    };
  }

  /** Restores a network from {@link MlpModel.toJSON}'s output. */
  static fromJSON(json: unknown, where = 'estimator'): MlpModel {
    const o = readTyped(json, 'mlp', where);
    const nClasses = readNumber(o.nClasses, `${where}.nClasses`);
    const b1 = readNumbers(o.b1, `${where}.b1`);
    const b2 = readNumbers(o.b2, `${where}.b2`);
    const h = b1.length;
    const m = b2.length;
    if (!Array.isArray(o.W1) || o.W1.length !== h || !Array.isArray(o.W2) || o.W2.length !== m || h === 0) {
      modelError('invalid_pipeline', `${where}: W1 needs ${h} rows and W2 ${m} rows`, { where });
    }
    const W1 = (o.W1 as unknown[]).map((r, u) => readNumbers(r, `${where}.W1[${u}]`));
    const d = W1[0].length;
    const L = layout(d, h, m);
    const p = new Float64Array(L.size);
    W1.forEach((r, u) => {
      if (r.length !== d)
        modelError('invalid_pipeline', `${where}.W1[${u}] must have ${d} numbers`, { where });
      p.set(r, u * d);
    });
    p.set(b1, L.b1);
    (o.W2 as unknown[]).forEach((r, k) => p.set(readNumbers(r, `${where}.W2[${k}]`, h), L.W2 + k * h));
    p.set(b2, L.b2);
    return new MlpModel(p, d, h, nClasses, readNumber(o.weightDecay, `${where}.weightDecay`));
  }
}
