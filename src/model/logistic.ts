/**
 * Binary L2-penalised logistic regression: scikit-learn's `LogisticRegression(penalty='l2', C=…)`
 * (Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, 2nd ed., §4.4), with
 * sample and class weights. It minimises
 *
 *   ½‖w‖² + C · Σᵢ sᵢ · log(1 + exp(−ỹᵢ (xᵢ·w + b))),   ỹᵢ = ±1,
 *
 * the intercept b unpenalised — computed, as scikit-learn ≥ 1.1 does, divided by C·Σsᵢ (a weighted
 * mean loss plus ‖w‖²/(2CΣsᵢ)), which has the same minimiser and a scale-free gradient tolerance.
 * Solved by Newton's method (IRLS) with a Cholesky solve for few features, by L-BFGS for many.
 */
import {
  asFloat64,
  choleskySolve,
  linear,
  maxAbs,
  sigmoid,
  softplus,
  type Matrix,
  type Matrix64,
} from './matrix.js';
import { minimizeLbfgs, type MinimizeResult } from './optimize.js';
import {
  checkFeatureCount,
  prepareTraining,
  probabilitiesFromDecision,
  type Estimator,
  type FitOptions,
  type FittedEstimator,
} from './estimator.js';
import { checkNumber, modelError, readNumber, readNumbers, readTyped } from './validate.js';
import { lookUpOption } from '../util/index.js';

/** Solvers: Newton (IRLS) needs a (d+1)² Hessian per step; L-BFGS only gradients. */
export const LOGISTIC_SOLVERS = ['auto', 'newton', 'lbfgs'] as const;
export type LogisticSolver = (typeof LOGISTIC_SOLVERS)[number];

/** Hyper-parameters of {@link LogisticRegression}. */
export interface LogisticOptions {
  /** Inverse regularisation strength (scikit-learn's `C`), > 0; smaller is stronger. Default 1. */
  C: number;
  /** `'auto'` (default): Newton for ≤ {@link NEWTON_MAX_FEATURES} features, L-BFGS above. */
  solver: LogisticSolver;
  /** Maximum iterations (default 500). */
  maxIter: number;
  /** Stop when every component of the (mean-scaled) gradient is ≤ tol (default 1e-6). */
  tol: number;
}

/** The largest number of features for which `'auto'` uses Newton's method. */
export const NEWTON_MAX_FEATURES = 64;

export const defaultLogisticOptions: Readonly<LogisticOptions> = Object.freeze({
  C: 1,
  solver: 'auto',
  maxIter: 500,
  tol: 1e-6,
});

/** A fitted model's JSON form. */
export interface SerializedLogistic {
  type: 'logistic';
  C: number;
  coef: number[];
  intercept: number;
}

/** How a fit ended. */
export interface FitInfo {
  solver: 'newton' | 'lbfgs';
  iterations: number;
  converged: boolean;
  /** max |∂f/∂θ| of the mean-scaled objective at the solution. */
  gradientMaxAbs: number;
}

/**
 * The mean-scaled objective Σᵢ w̃ᵢ ℓᵢ + (λ/2)‖w‖² at θ = [w, b] (w̃ summing to 1, λ = 1/(C·Σsᵢ)),
 * writing its gradient into `grad` and each row's margin xᵢ·w + b into `margin`. One pass over X:
 * each row is read twice while it is in cache (margin, then its gradient contribution).
 */
export function logisticObjective(
  X: Matrix64,
  y: Int32Array,
  weight: Float64Array,
  lambda: number,
  theta: Float64Array,
  grad: Float64Array,
  margin: Float64Array = new Float64Array(X.rows),
): number {
  const { rows, cols, data } = X;
  const b = theta[cols];
  grad.fill(0);
  let loss = 0;
  let gb = 0;
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    let z = b;
    for (let j = 0; j < cols; j++) z += data[off + j] * theta[j];
    margin[i] = z;
    const w = weight[i];
    if (w === 0) continue;
    loss += w * (y[i] === 1 ? softplus(-z) : softplus(z));
    const r = w * (sigmoid(z) - y[i]);
    gb += r;
    for (let j = 0; j < cols; j++) grad[j] += r * data[off + j];
  }
  let penalty = 0;
  for (let j = 0; j < cols; j++) {
    penalty += theta[j] * theta[j];
    grad[j] += lambda * theta[j];
  }
  grad[cols] = gb;
  return loss + 0.5 * lambda * penalty;
}

/** Newton's method with a backtracking line search on the same objective. */
function fitNewton(
  X: Matrix64,
  y: Int32Array,
  weight: Float64Array,
  lambda: number,
  theta0: Float64Array,
  options: LogisticOptions,
): MinimizeResult {
  const { rows, cols, data } = X;
  const p = cols + 1;
  let theta = Float64Array.from(theta0);
  let grad = new Float64Array(p);
  let margin = new Float64Array(rows);
  let f = logisticObjective(X, y, weight, lambda, theta, grad, margin);
  let next = new Float64Array(p);
  let gNext = new Float64Array(p);
  let mNext = new Float64Array(rows);
  const H = new Float64Array(p * p);
  let iterations = 0;
  while (iterations < options.maxIter && maxAbs(grad) > options.tol) {
    iterations++;
    H.fill(0);
    for (let i = 0; i < rows; i++) {
      const mu = sigmoid(margin[i]);
      const h = weight[i] * mu * (1 - mu);
      if (h === 0) continue;
      const off = i * cols;
      for (let a = 0; a < cols; a++) {
        const ha = h * data[off + a];
        const rowA = a * p;
        for (let c = 0; c <= a; c++) H[rowA + c] += ha * data[off + c];
        H[cols * p + a] += ha;
      }
      H[cols * p + cols] += h;
    }
    for (let a = 0; a < cols; a++) H[a * p + a] += lambda;
    let step = choleskySolve(H, grad, p);
    // Saturated probabilities with C → ∞ can make H numerically singular: add a small ridge.
    for (let jitter = 1e-12; step === null && jitter < 1; jitter *= 100) {
      for (let a = 0; a < p; a++) H[a * p + a] += jitter * (1 + H[a * p + a]);
      step = choleskySolve(H, grad, p);
    }
    if (step === null) break;
    let slope = 0;
    for (let a = 0; a < p; a++) slope -= grad[a] * step[a];
    let t = 1;
    let fNext = NaN;
    for (let tries = 0; tries < 50; tries++) {
      for (let a = 0; a < p; a++) next[a] = theta[a] - t * step[a];
      fNext = logisticObjective(X, y, weight, lambda, next, gNext, mNext);
      if (fNext <= f + 1e-4 * t * slope) break;
      t *= 0.5;
      fNext = NaN;
    }
    if (Number.isNaN(fNext)) break;
    [theta, next] = [next, theta];
    [grad, gNext] = [gNext, grad];
    [margin, mNext] = [mNext, margin];
    const decrease = f - fNext;
    f = fNext;
    if (decrease <= 64 * Number.EPSILON * Math.max(1, Math.abs(f)) && t < 1) break;
  }
  const gradientMaxAbs = maxAbs(grad);
  return { x: theta, value: f, iterations, converged: gradientMaxAbs <= options.tol, gradientMaxAbs };
}

/**
 * Binary L2 logistic regression (scikit-learn's `LogisticRegression(penalty='l2')`). Labels are 0
 * and 1; class 1 is the positive class.
 *
 * @example
 * const model = new LogisticRegression({ C: 1 }).fit(fromRows([[0], [1], [2], [3]]), [0, 0, 1, 1]);
 * model.predictProba(fromRows([[1.5]])).data // ≈ [0.5, 0.5]
 */
export class LogisticRegression implements Estimator {
  readonly type = 'logistic' as const;
  readonly options: LogisticOptions;

  constructor(options: Partial<LogisticOptions> = {}) {
    this.options = { ...defaultLogisticOptions, ...options };
    checkNumber('C', this.options.C, Number.MIN_VALUE);
    checkNumber('maxIter', this.options.maxIter, 1, Infinity, true);
    checkNumber('tol', this.options.tol, 0);
    lookUpOption('solver', this.options.solver, LOGISTIC_SOLVERS);
  }

  fit(X: Matrix, y: ArrayLike<number>, options: FitOptions = {}): LogisticModel {
    const data = prepareTraining(X, y, options);
    if (data.nClasses !== 2) {
      modelError(
        'invalid_option',
        `LogisticRegression is binary; y has ${data.nClasses} classes (use MultinomialLogisticRegression)`,
        {
          nClasses: data.nClasses,
        },
      );
    }
    const X64 = asFloat64(X);
    const lambda = 1 / (this.options.C * data.weightSum);
    const theta0 = new Float64Array(X.cols + 1);
    const warm = options.warmStart;
    if (warm instanceof LogisticModel && warm.nFeatures === X.cols) {
      theta0.set(warm.coef);
      theta0[X.cols] = warm.intercept;
    } else {
      let prevalence = 0;
      for (let i = 0; i < X.rows; i++) prevalence += data.weight[i] * data.y[i];
      theta0[X.cols] = Math.log(prevalence / (1 - prevalence));
    }
    const solver =
      this.options.solver === 'auto'
        ? X.cols <= NEWTON_MAX_FEATURES
          ? 'newton'
          : 'lbfgs'
        : this.options.solver;
    const result =
      solver === 'newton'
        ? fitNewton(X64, data.y, data.weight, lambda, theta0, this.options)
        : minimizeLbfgs(
            (theta, grad) => logisticObjective(X64, data.y, data.weight, lambda, theta, grad),
            theta0,
            this.options,
          );
    const { x, iterations, converged, gradientMaxAbs } = result;
    if (!x.every(Number.isFinite)) {
      modelError(
        'invalid_input',
        'logistic regression diverged (non-finite coefficients); check the features',
        {
          C: this.options.C,
        },
      );
    }
    return new LogisticModel(x.slice(0, X.cols), x[X.cols], this.options.C, {
      solver,
      iterations,
      converged,
      gradientMaxAbs,
    });
  }
}

/**
 * A fitted linear model: scores X·Wᵀ + b, one row of W and one bias per output (1 output for a
 * binary model, K for a multinomial one), turned into probabilities by the sigmoid or softmax.
 */
export abstract class LinearModel implements FittedEstimator {
  abstract readonly type: 'logistic' | 'multinomial';
  abstract readonly nClasses: number;

  /**
   * @param coef outputs × d weights, row-major.
   * @param bias one intercept per output.
   */
  constructor(
    readonly coef: Float64Array,
    protected readonly bias: Float64Array,
    readonly C: number,
    readonly info: FitInfo | null,
  ) {}

  get nFeatures(): number {
    return this.coef.length / this.bias.length;
  }

  /** The raw scores of each row (n × outputs): the logit for binary, the K logits for multinomial. */
  decisionFunction(X: Matrix): Matrix64 {
    checkFeatureCount(X, this.nFeatures, `${this.type} model`);
    return linear(X, this.coef, this.bias, this.bias.length);
  }

  predictProba(X: Matrix): Matrix64 {
    return probabilitiesFromDecision(this.decisionFunction(X));
  }

  abstract toJSON(): { type: 'logistic' | 'multinomial' };
}

/** A fitted binary logistic regression. */
export class LogisticModel extends LinearModel {
  readonly type = 'logistic' as const;
  readonly nClasses = 2;

  constructor(coef: Float64Array, intercept: number, C: number, info: FitInfo | null = null) {
    super(coef, Float64Array.of(intercept), C, info);
  }

  get intercept(): number {
    return this.bias[0];
  }

  toJSON(): SerializedLogistic {
    return { type: 'logistic', C: this.C, coef: Array.from(this.coef), intercept: this.intercept };
  }

  /** Restores a model from {@link LogisticModel.toJSON}'s output (`invalid_pipeline` if malformed). */
  static fromJSON(json: unknown, where = 'estimator'): LogisticModel {
    const o = readTyped(json, 'logistic', where);
    return new LogisticModel(
      readNumbers(o.coef, `${where}.coef`),
      readNumber(o.intercept, `${where}.intercept`),
      readNumber(o.C, `${where}.C`),
    );
  }
}
