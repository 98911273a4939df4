/**
 * The common interface of the supervised models, after scikit-learn's estimator API: an
 * {@link Estimator} holds hyper-parameters and `fit(X, y, options)` returns a
 * {@link FittedEstimator} with `decisionFunction`, `predictProba` and `toJSON`. Also the sample
 * weights every estimator derives from `classWeight` and `sampleWeight`.
 */
import { rocAucScore } from '../stats/index.js';
import { column, sigmoid, softmaxInPlace, zeros, type Matrix, type Matrix64 } from './matrix.js';
import { checkMatrix, checkLength, checkSampleWeight, modelError, toClassIndices } from './validate.js';

/** The estimator kinds a pipeline can hold. */
export type EstimatorType = 'logistic' | 'multinomial' | 'mlp';

/**
 * Class weights (scikit-learn's `class_weight`): `'balanced'` weighs class c by
 * n / (nClasses · n_c) so each class contributes equally to the loss; `'none'` weighs every row
 * 1; a record maps class names (or indices as strings) to weights, unlisted classes getting 1.
 */
export type ClassWeight = 'balanced' | 'none' | Readonly<Record<string, number>>;

/** Options of `fit`. */
export interface FitOptions {
  /** Per-row weights (≥ 0), multiplied with the class weights. Default: all 1. */
  sampleWeight?: ArrayLike<number>;
  /** Default `'none'`. */
  classWeight?: ClassWeight;
  /** Class names, for a `classWeight` record and for messages. Default: the indices. */
  classNames?: readonly string[];
  /** Number of classes; default max(y) + 1. Every class must occur in y. */
  nClasses?: number;
  /** Subject of each row; models that hold out a validation set (the MLP) hold out whole subjects. */
  groups?: ArrayLike<string | number>;
  /** A model fitted on the same columns to start from (logistic models; others ignore it). */
  warmStart?: FittedEstimator;
  /** Seed of any randomness in the fit (the MLP's initialisation and batches). Default 0. */
  seed?: number;
}

/** What every fitted model provides. */
export interface FittedEstimator {
  readonly type: EstimatorType;
  readonly nFeatures: number;
  readonly nClasses: number;
  /**
   * Raw scores before the link: one column, the logit of class 1, for a binary model; one column
   * per class (softmax logits) for a multi-class model.
   */
  decisionFunction(X: Matrix): Matrix64;
  /** Class probabilities, n × nClasses, each row summing to 1. */
  predictProba(X: Matrix): Matrix64;
  /** A plain JSON-safe object from which the model's `fromJSON` restores identical predictions. */
  toJSON(): { type: EstimatorType };
}

/** An unfitted model with its hyper-parameters. */
export interface Estimator {
  readonly type: EstimatorType;
  fit(X: Matrix, y: ArrayLike<number>, options?: FitOptions): FittedEstimator;
}

/** Checked training data: labels as class indices, and one weight per row (class × sample). */
export interface TrainingData {
  y: Int32Array;
  nClasses: number;
  /** Weights normalised to sum 1, so losses are weighted means (the mean-loss scaling of scikit-learn ≥ 1.1). */
  weight: Float64Array;
  /** Σ of the weights before normalisation (scikit-learn's `sw_sum`). */
  weightSum: number;
}

/**
 * Checks X, y and the weights of a fit and combines `classWeight` with `sampleWeight` (as
 * scikit-learn's `compute_class_weight` + `_check_sample_weight`). Balanced weights come from the
 * unweighted class counts of the rows being fitted.
 */
export function prepareTraining(X: Matrix, y: ArrayLike<number>, options: FitOptions = {}): TrainingData {
  checkMatrix(X);
  checkLength(y, X.rows, 'y');
  let max = 0;
  for (let i = 0; i < y.length; i++) max = Math.max(max, y[i]);
  const nClasses = options.nClasses ?? Math.max(2, max + 1);
  const labels = toClassIndices(y, nClasses, options.classNames);
  const classW = classWeights(labels, nClasses, options.classWeight ?? 'none', options.classNames ?? []);
  const sample = options.sampleWeight ? checkSampleWeight(options.sampleWeight, X.rows) : null;
  const weight = new Float64Array(X.rows);
  let weightSum = 0;
  for (let i = 0; i < X.rows; i++) {
    weight[i] = classW[labels[i]] * (sample ? sample[i] : 1);
    weightSum += weight[i];
  }
  if (!(weightSum > 0)) modelError('invalid_input', 'the sample and class weights sum to 0');
  for (let i = 0; i < X.rows; i++) weight[i] /= weightSum;
  return { y: labels, nClasses, weight, weightSum };
}

/** The weight of each class under a {@link ClassWeight} option. */
export function classWeights(
  y: Int32Array,
  nClasses: number,
  option: ClassWeight,
  classNames: readonly string[],
): Float64Array {
  const out = new Float64Array(nClasses).fill(1);
  if (option === 'none') return out;
  if (option === 'balanced') {
    const counts = new Float64Array(nClasses);
    for (let i = 0; i < y.length; i++) counts[y[i]]++;
    for (let c = 0; c < nClasses; c++) out[c] = y.length / (nClasses * counts[c]);
    return out;
  }
  if (typeof option !== 'object' || option === null) {
    modelError(
      'invalid_option',
      `classWeight=${String(option)} is not valid; use 'balanced', 'none' or a record`,
      {
        parameter: 'classWeight',
        value: String(option),
      },
    );
  }
  const names = Array.from({ length: nClasses }, (_, c) => classNames[c] ?? String(c));
  for (const [key, w] of Object.entries(option)) {
    let c = names.indexOf(key);
    if (c < 0 && /^\d+$/.test(key)) c = Number(key) < nClasses ? Number(key) : -1;
    if (c < 0) {
      modelError(
        'invalid_option',
        `classWeight names an unknown class "${key}"; classes: ${names.join(', ')}`,
        {
          parameter: 'classWeight',
          value: key,
          allowed: names,
        },
      );
    }
    if (!(typeof w === 'number' && Number.isFinite(w) && w > 0)) {
      modelError('invalid_option', `classWeight["${key}"] is ${String(w)}; weights must be finite and > 0`, {
        parameter: 'classWeight',
        value: w,
      });
    }
    out[c] = w;
  }
  return out;
}

/**
 * Class probabilities from raw scores: [1 − σ(z), σ(z)] for one column (binary), the softmax for
 * several (multi-class).
 */
export function probabilitiesFromDecision(decision: Matrix64): Matrix64 {
  const { rows, cols } = decision;
  if (cols === 1) {
    const out = zeros(rows, 2);
    for (let i = 0; i < rows; i++) {
      const p = sigmoid(decision.data[i]);
      out.data[2 * i] = 1 - p;
      out.data[2 * i + 1] = p;
    }
    return out;
  }
  const out: Matrix64 = { data: Float64Array.from(decision.data), rows, cols };
  for (let i = 0; i < rows; i++) softmaxInPlace(out.data, i * cols, cols);
  return out;
}

/** Refuses a matrix whose width differs from the model's (`feature_mismatch`). */
export function checkFeatureCount(X: Matrix, nFeatures: number, what: string): void {
  if (X.cols !== nFeatures) {
    modelError('feature_mismatch', `X has ${X.cols} columns but the ${what} was fitted on ${nFeatures}`, {
      columns: X.cols,
      expected: nFeatures,
    });
  }
}

/** AUC of probabilities (n × K): binary on class 1, else the macro mean of one-vs-rest AUCs. */
export function aucOfProbabilities(y: Int32Array, proba: Matrix64): number {
  if (proba.cols === 2) return rocAucScore(y, column(proba, 1));
  let sum = 0;
  for (let k = 0; k < proba.cols; k++)
    sum += rocAucScore(
      Int32Array.from(y, (v) => (v === k ? 1 : 0)),
      column(proba, k),
    );
  return sum / proba.cols;
}
