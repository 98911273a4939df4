/**
 * Multinomial (softmax) L2-penalised logistic regression for more than two classes:
 * scikit-learn's `LogisticRegression(multi_class='multinomial', penalty='l2', C=…)`. It minimises
 *
 *   ½ Σ_k ‖w_k‖² − C · Σᵢ sᵢ · log softmax(W xᵢ + b)_{yᵢ},
 *
 * intercepts unpenalised, divided by C·Σsᵢ as in {@link LogisticRegression}; solved by L-BFGS.
 * The K weight vectors are identifiable because of the penalty; the intercepts only up to a
 * common shift, so they are centred to sum 0 (the probabilities do not change).
 */
import { asFloat64, softmaxInPlace, type Matrix, type Matrix64 } from './matrix.js';
import { minimizeLbfgs } from './optimize.js';
import { prepareTraining, type Estimator, type FitOptions } from './estimator.js';
import { defaultLogisticOptions, LinearModel, type FitInfo, type LogisticOptions } from './logistic.js';
import { checkNumber, modelError, readNumber, readNumbers, readTyped } from './validate.js';

/** Hyper-parameters: those of the binary model except the solver (always L-BFGS). */
export type MultinomialOptions = Omit<LogisticOptions, 'solver'>;

/** A fitted model's JSON form: `coef` has one row of weights per class. */
export interface SerializedMultinomial {
  type: 'multinomial';
  C: number;
  coef: number[][];
  intercept: number[];
}

/**
 * The mean-scaled objective at θ = [W (K × d, row-major), b (K)], writing the gradient into `grad`.
 */
export function multinomialObjective(
  X: Matrix64,
  y: Int32Array,
  weight: Float64Array,
  nClasses: number,
  lambda: number,
  theta: Float64Array,
  grad: Float64Array,
): number {
  const { rows, cols, data } = X;
  const K = nClasses;
  const bOff = K * cols;
  const z = new Float64Array(K);
  grad.fill(0);
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const w = weight[i];
    if (w === 0) continue;
    const off = i * cols;
    for (let k = 0; k < K; k++) {
      let s = theta[bOff + k];
      const wOff = k * cols;
      for (let j = 0; j < cols; j++) s += data[off + j] * theta[wOff + j];
      z[k] = s;
    }
    const zy = z[y[i]];
    loss += w * (softmaxInPlace(z, 0, K) - zy);
    for (let k = 0; k < K; k++) {
      const r = w * (z[k] - (y[i] === k ? 1 : 0));
      grad[bOff + k] += r;
      const wOff = k * cols;
      for (let j = 0; j < cols; j++) grad[wOff + j] += r * data[off + j];
    }
  }
  let penalty = 0;
  for (let j = 0; j < bOff; j++) {
    penalty += theta[j] * theta[j];
    grad[j] += lambda * theta[j];
  }
  return loss + 0.5 * lambda * penalty;
}

/**
 * Multinomial L2 logistic regression over classes 0 … K−1 (scikit-learn's
 * `LogisticRegression(multi_class='multinomial')`; Hastie, Tibshirani & Friedman 2009, §4.4).
 */
export class MultinomialLogisticRegression implements Estimator {
  readonly type = 'multinomial' as const;
  readonly options: MultinomialOptions;

  constructor(options: Partial<MultinomialOptions> = {}) {
    const { C, maxIter, tol } = { ...defaultLogisticOptions, ...options };
    this.options = { C, maxIter, tol };
    checkNumber('C', C, Number.MIN_VALUE);
    checkNumber('maxIter', maxIter, 1, Infinity, true);
    checkNumber('tol', tol, 0);
  }

  fit(X: Matrix, y: ArrayLike<number>, options: FitOptions = {}): MultinomialModel {
    const data = prepareTraining(X, y, options);
    const K = data.nClasses;
    const X64 = asFloat64(X);
    const lambda = 1 / (this.options.C * data.weightSum);
    const theta0 = new Float64Array(K * (X.cols + 1));
    const warm = options.warmStart;
    if (warm instanceof MultinomialModel && warm.nFeatures === X.cols && warm.nClasses === K) {
      theta0.set(warm.coef);
      theta0.set(warm.intercept, K * X.cols);
    } else {
      const prior = new Float64Array(K);
      for (let i = 0; i < X.rows; i++) prior[data.y[i]] += data.weight[i];
      for (let k = 0; k < K; k++) theta0[K * X.cols + k] = Math.log(prior[k]);
    }
    const result = minimizeLbfgs(
      (theta, grad) => multinomialObjective(X64, data.y, data.weight, K, lambda, theta, grad),
      theta0,
      this.options,
    );
    if (!result.x.every(Number.isFinite)) {
      modelError('invalid_input', 'multinomial regression diverged (non-finite coefficients)', {
        C: this.options.C,
      });
    }
    const intercept = result.x.slice(K * X.cols);
    const mean = intercept.reduce((a, b) => a + b, 0) / K;
    for (let k = 0; k < K; k++) intercept[k] -= mean;
    return new MultinomialModel(result.x.slice(0, K * X.cols), intercept, this.options.C, {
      solver: 'lbfgs',
      iterations: result.iterations,
      converged: result.converged,
      gradientMaxAbs: result.gradientMaxAbs,
    });
  }
}

/** A fitted multinomial logistic regression; `coef` is K × d, row-major. */
export class MultinomialModel extends LinearModel {
  readonly type = 'multinomial' as const;

  constructor(coef: Float64Array, intercept: Float64Array, C: number, info: FitInfo | null = null) {
    super(coef, intercept, C, info);
  }

  get nClasses(): number {
    return this.bias.length;
  }

  /** One intercept per class, centred to sum 0. */
  get intercept(): Float64Array {
    return this.bias;
  }

  toJSON(): SerializedMultinomial {
    const d = this.nFeatures;
    return {
      type: 'multinomial',
      C: this.C,
      coef: Array.from({ length: this.nClasses }, (_, k) =>
        Array.from(this.coef.subarray(k * d, (k + 1) * d)),
      ),
      intercept: Array.from(this.intercept),
    };
  }

  /** Restores a model from {@link MultinomialModel.toJSON}'s output. */
  static fromJSON(json: unknown, where = 'estimator'): MultinomialModel {
    const o = readTyped(json, 'multinomial', where);
    const intercept = readNumbers(o.intercept, `${where}.intercept`);
    if (!Array.isArray(o.coef) || o.coef.length !== intercept.length || intercept.length < 2) {
      modelError('invalid_pipeline', `${where}.coef must have one row per class (${intercept.length})`, {
        where,
      });
    }
    const rows = (o.coef as unknown[]).map((r, k) =>
      readNumbers(r, `${where}.coef[${k}]`, k === 0 ? undefined : (o.coef as unknown[][])[0].length),
    );
    const coef = new Float64Array(rows.length * rows[0].length);
    rows.forEach((r, k) => coef.set(r, k * r.length));
    return new MultinomialModel(coef, intercept, readNumber(o.C, `${where}.C`));
  }
}
