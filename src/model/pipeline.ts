/**
 * A fitted screening pipeline — standardiser → estimator → calibrator, plus the feature columns
 * and class names it was trained on (scikit-learn's `Pipeline` + `CalibratedClassifierCV`) — and
 * its JSON form, which a model bundle stores and {@link FittedPipeline.fromJSON} restores.
 */
import type { Matrix, Matrix64 } from './matrix.js';
import { applyStandardizer, type Standardizer } from './standardize.js';
import { applyCalibrator, readCalibrator, type Calibrator } from './calibration.js';
import type { EstimatorType, FittedEstimator } from './estimator.js';
import { LogisticModel, type SerializedLogistic } from './logistic.js';
import { MultinomialModel, type SerializedMultinomial } from './multinomial.js';
import { MlpModel, type SerializedMlp } from './mlp.js';
import { modelError, readNumbers } from './validate.js';

/** The hyper-parameters a grid search chooses: C for the logistic models, size and decay for the MLP. */
export type HyperParameters = { C: number } | { hiddenUnits: number; weightDecay: number };

/** Identifies the JSON form; `formatVersion` changes when the layout does. */
export const PIPELINE_FORMAT = 'endoface.screen-pipeline';
export const PIPELINE_FORMAT_VERSION = 1;

/** The JSON form of a {@link FittedPipeline}: plain numbers, strings and arrays. */
export interface SerializedPipeline {
  format: typeof PIPELINE_FORMAT;
  formatVersion: typeof PIPELINE_FORMAT_VERSION;
  /** `'binary'`: classes[1] is the condition screened for; `'multiclass'`: one probability per class. */
  task: 'binary' | 'multiclass';
  classes: string[];
  /** Feature names, in the order the weights expect them. */
  columns: string[];
  hyperParameters: HyperParameters;
  standardizer: Standardizer;
  estimator: SerializedLogistic | SerializedMultinomial | SerializedMlp;
  calibrator: Calibrator;
}

/** A pipeline ready to predict. */
export class FittedPipeline {
  constructor(
    readonly columns: readonly string[],
    readonly classes: readonly string[],
    readonly standardizer: Standardizer,
    readonly estimator: FittedEstimator,
    readonly calibrator: Calibrator,
    readonly hyperParameters: HyperParameters,
  ) {}

  /** Raw scores of the estimator on standardised X (columns already in the pipeline's order). */
  decisionFunction(X: Matrix): Matrix64 {
    return this.estimator.decisionFunction(applyStandardizer(this.standardizer, X));
  }

  /**
   * Calibrated class probabilities (n × classes, rows summing to 1). `columns` names X's
   * columns: the same names in another order are reordered; missing or unknown names are
   * `feature_mismatch`.
   */
  predictProba(X: Matrix, columns: readonly string[]): Matrix64 {
    const aligned = alignColumns(X, columns, this.columns);
    return applyCalibrator(this.calibrator, this.decisionFunction(aligned));
  }

  toJSON(): SerializedPipeline {
    return {
      format: PIPELINE_FORMAT,
      formatVersion: PIPELINE_FORMAT_VERSION,
      task: this.classes.length === 2 ? 'binary' : 'multiclass',
      classes: [...this.classes],
      columns: [...this.columns],
      hyperParameters: { ...this.hyperParameters },
      standardizer: { mean: [...this.standardizer.mean], scale: [...this.standardizer.scale] },
      estimator: this.estimator.toJSON() as SerializedPipeline['estimator'],
      calibrator: structuredClone(this.calibrator),
    };
  }

  /** Restores a pipeline from its JSON form, checking every field (`invalid_pipeline`). */
  static fromJSON(json: unknown): FittedPipeline {
    const o = (typeof json === 'object' && json !== null ? json : {}) as Partial<
      Record<keyof SerializedPipeline, unknown>
    >;
    if (o.format !== PIPELINE_FORMAT || o.formatVersion !== PIPELINE_FORMAT_VERSION) {
      modelError(
        'invalid_pipeline',
        `not an ${PIPELINE_FORMAT} v${PIPELINE_FORMAT_VERSION} object (format ${String(o.format)}, version ${String(o.formatVersion)})`,
        { format: o.format, formatVersion: o.formatVersion },
      );
    }
    const columns = readStrings(o.columns, 'columns');
    const classes = readStrings(o.classes, 'classes');
    const std = (o.standardizer ?? {}) as Record<string, unknown>;
    const standardizer = {
      mean: Array.from(readNumbers(std.mean, 'standardizer.mean', columns.length)),
      scale: Array.from(readNumbers(std.scale, 'standardizer.scale', columns.length)),
    };
    const type = (o.estimator as { type?: EstimatorType } | undefined)?.type;
    const readers: Record<EstimatorType, (j: unknown) => FittedEstimator> = {
      logistic: (j) => LogisticModel.fromJSON(j),
      multinomial: (j) => MultinomialModel.fromJSON(j),
      mlp: (j) => MlpModel.fromJSON(j),
    };
    if (type === undefined || !(type in readers)) {
      modelError(
        'invalid_pipeline',
        `estimator.type "${String(type)}" is not one of ${Object.keys(readers).join(', ')}`,
      );
    }
    const estimator = readers[type](o.estimator);
    if (estimator.nFeatures !== columns.length || estimator.nClasses !== classes.length) {
      modelError(
        'invalid_pipeline',
        `the estimator has ${estimator.nFeatures} features and ${estimator.nClasses} classes; the pipeline lists ${columns.length} and ${classes.length}`,
      );
    }
    const outputs = classes.length === 2 ? 1 : classes.length;
    const calibrator = readCalibrator(o.calibrator, outputs);
    const hp = (o.hyperParameters ?? {}) as HyperParameters;
    return new FittedPipeline(columns, classes, standardizer, estimator, calibrator, { ...hp });
  }
}

function readStrings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string')) {
    modelError('invalid_pipeline', `${where} must be a non-empty array of strings`, { where });
  }
  return value as string[];
}

/**
 * X with its columns in the `expected` order. Same names in the same order: X itself; a
 * permutation: a reordered copy; otherwise `feature_mismatch` listing what is missing and what is
 * unexpected.
 */
export function alignColumns(X: Matrix, columns: readonly string[], expected: readonly string[]): Matrix {
  if (columns.length !== X.cols) {
    modelError('feature_mismatch', `X has ${X.cols} columns but ${columns.length} column names`, {
      columns: X.cols,
      names: columns.length,
    });
  }
  if (columns.length === expected.length && columns.every((c, j) => c === expected[j])) return X;
  const position = new Map(columns.map((c, j) => [c, j]));
  const missing = expected.filter((c) => !position.has(c));
  const unexpected = columns.filter((c) => !expected.includes(c));
  if (missing.length > 0 || unexpected.length > 0 || position.size !== columns.length) {
    const list = (a: readonly string[]) =>
      a.length > 5 ? `${a.slice(0, 5).join(', ')} … (${a.length})` : a.join(', ');
    modelError(
      'feature_mismatch',
      `the features differ from the model's: missing [${list(missing)}], unexpected [${list(unexpected)}]`,
      { missing, unexpected, duplicates: columns.length - position.size },
    );
  }
  const source = expected.map((c) => position.get(c)!);
  const out = new Float64Array(X.rows * X.cols);
  for (let i = 0; i < X.rows; i++) {
    const off = i * X.cols;
    for (let j = 0; j < source.length; j++) out[off + j] = X.data[off + source[j]];
  }
  return { data: out, rows: X.rows, cols: X.cols };
}
