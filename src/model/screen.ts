/**
 * The supervised screen in one call: `trainScreen(X, y, groups, options)` runs the nested,
 * subject-grouped cross-validation and returns the final pipeline as JSON (for a model bundle),
 * the out-of-fold predictions (for evaluation) and the CV record; `predictWithPipeline` scores
 * new rows with a stored pipeline.
 */
import { performance } from 'node:perf_hooks';
import { mergeChecked, type DeepPartial } from '../util/index.js';
import { lookUpOption } from '../util/index.js';
import type { Matrix, Matrix64 } from './matrix.js';
import { column } from './matrix.js';
import { CALIBRATION_METHODS, type CalibrationMethod } from './calibration.js';
import { classWeights, type ClassWeight } from './estimator.js';
import { LOGISTIC_SOLVERS, defaultLogisticOptions, type LogisticOptions } from './logistic.js';
import { defaultMlpOptions, type MlpOptions } from './mlp.js';
import {
  nestedCrossValidate,
  type AuditEvent,
  type OofPrediction,
  type OuterFoldSummary,
  type Selection,
} from './nested-cv.js';
import { FittedPipeline, type HyperParameters, type SerializedPipeline } from './pipeline.js';
import {
  checkLength,
  checkMatrix,
  checkNumber,
  checkSampleWeight,
  modelError,
  toClassIndices,
} from './validate.js';

/** Supervised model kinds: logistic regression (multinomial for > 2 classes) or a one-hidden-layer MLP. */
export const SCREEN_ESTIMATORS = ['logistic', 'mlp'] as const;
export type ScreenEstimator = (typeof SCREEN_ESTIMATORS)[number];

/** Settings of {@link trainScreen}; every field has a default in {@link defaultScreenOptions}. */
export interface ScreenOptions {
  /** Model kind (default `'logistic'`). */
  estimator: ScreenEstimator;
  /** Probability calibration fitted on inner out-of-fold scores (default `'sigmoid'`, Platt). */
  calibration: CalibrationMethod;
  /** Outer folds: out-of-fold predictions (default 5). */
  outerFolds: number;
  /** Inner folds: hyper-parameter choice and calibration data (default 3). */
  innerFolds: number;
  /** Seed of the splits and of any randomness in the fits (default 0). */
  seed: number;
  /** Hyper-parameter grid: `C` for logistic models; `hiddenUnits` × `weightDecay` for the MLP. */
  grid: { C: number[]; hiddenUnits: number[]; weightDecay: number[] };
  /** Logistic solver settings. */
  logistic: Omit<LogisticOptions, 'C'>;
  /** MLP training settings. */
  mlp: Omit<MlpOptions, 'hiddenUnits' | 'weightDecay'>;
}

export const defaultScreenOptions: Readonly<ScreenOptions> = Object.freeze({
  estimator: 'logistic',
  calibration: 'sigmoid',
  outerFolds: 5,
  innerFolds: 3,
  seed: 0,
  grid: { C: [0.0001, 0.001, 0.01, 0.1, 1, 10], hiddenUnits: [32, 64], weightDecay: [0.01, 1] },
  logistic: {
    solver: defaultLogisticOptions.solver,
    maxIter: defaultLogisticOptions.maxIter,
    tol: defaultLogisticOptions.tol,
  },
  mlp: (({ hiddenUnits: _h, weightDecay: _w, ...rest }) => rest)(defaultMlpOptions),
});

/** Options of {@link trainScreen}: a deep partial of {@link ScreenOptions} plus the data-bound fields. */
export interface TrainScreenOptions extends DeepPartial<ScreenOptions> {
  /** Feature names, one per column of X (default `x0`, `x1`, …); stored and checked at prediction. */
  columns?: readonly string[];
  /** Class names, class index order (default `negative`, `positive` for 2 classes, else `class0` …). */
  classes?: readonly string[];
  /** Default `'balanced'`. Calibration undoes its shift of the probabilities. */
  classWeight?: ClassWeight;
  /** Per-row weights (e.g. 1 / photos of the subject), used by every fit and the calibration. */
  sampleWeight?: ArrayLike<number>;
  /** Progress after each model fit. */
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Audit hook: the rows every standardiser, model and calibrator is fitted on. */
  audit?: (event: AuditEvent) => void;
}

/** The cross-validation record of a trained screen. */
export interface ScreenCv {
  estimator: ScreenEstimator;
  outerFolds: number;
  innerFolds: number;
  seed: number;
  calibration: CalibrationMethod;
  classWeight: ClassWeight;
  candidates: HyperParameters[];
  rows: number;
  subjects: number;
  classCounts: number[];
  folds: OuterFoldSummary[];
  /** Hyper-parameters of the final model, chosen by inner CV on all rows. */
  final: Selection;
  /** AUC of the pooled out-of-fold predictions (multi-class: macro one-vs-rest). */
  oofAuc: number;
  elapsedMs: number;
}

/** Result of {@link trainScreen}. */
export interface TrainedScreen {
  model: SerializedPipeline;
  oof: OofPrediction[];
  cv: ScreenCv;
}

function checkGrid(name: string, values: number[], min: number, integer = false): void {
  if (!Array.isArray(values) || values.length === 0) {
    modelError('invalid_option', `grid.${name} must be a non-empty array of numbers`, {
      parameter: `grid.${name}`,
    });
  }
  for (const v of values) checkNumber(`grid.${name}`, v, min, Infinity, integer);
}

/**
 * Trains a screen: one binary screen (a condition against controls, `classes[1]` positive) or a
 * multi-class model (e.g. control / cushing / acromegaly), by nested subject-grouped stratified
 * cross-validation (Varma & Simon 2006; Cawley & Talbot 2010) — see `nestedCrossValidate`.
 * Deterministic given `seed`.
 *
 * @param X features, one row per photo (`rows × columns`).
 * @param y class index of each row (0 … classes−1).
 * @param groups subject id of each row: a subject's photos never straddle a split.
 * @returns the final pipeline as JSON, the out-of-fold predictions (one per row) and the CV record.
 * @throws `single_class` / `missing_class`, `too_few_subjects` (a class with fewer subjects than
 *   folds), `invalid_feature` (NaN), `length_mismatch`, `invalid_option`.
 */
export function trainScreen(
  X: Matrix,
  y: ArrayLike<number>,
  groups: ArrayLike<string | number>,
  options: TrainScreenOptions = {},
): TrainedScreen {
  const t0 = performance.now();
  const {
    columns: cols,
    classes: names,
    classWeight = 'balanced',
    sampleWeight,
    onProgress,
    audit,
    ...rest
  } = options;
  const o = mergeChecked(defaultScreenOptions, rest as DeepPartial<ScreenOptions>);
  lookUpOption('estimator', o.estimator, SCREEN_ESTIMATORS);
  lookUpOption('calibration', o.calibration, CALIBRATION_METHODS);
  lookUpOption('logistic.solver', o.logistic.solver, LOGISTIC_SOLVERS);
  checkNumber('outerFolds', o.outerFolds, 2, Infinity, true);
  checkNumber('innerFolds', o.innerFolds, 2, Infinity, true);
  checkNumber('seed', o.seed, -(2 ** 53), 2 ** 53);
  checkMatrix(X, 'X', { allowMissing: true });
  checkLength(y, X.rows, 'y');
  checkLength(groups, X.rows, 'groups');
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (!((typeof g === 'string' && g !== '') || (typeof g === 'number' && Number.isFinite(g)))) {
      modelError('invalid_input', `groups[${i}] is ${String(g)}; every row needs a subject id`, {
        parameter: 'groups',
        row: i,
      });
    }
  }
  let maxLabel = 1;
  for (let i = 0; i < y.length; i++) maxLabel = Math.max(maxLabel, y[i]);
  const nClasses = names?.length ?? maxLabel + 1;
  const classes = names
    ? [...names]
    : nClasses === 2
      ? ['negative', 'positive']
      : Array.from({ length: nClasses }, (_, k) => `class${k}`);
  const columns = cols ? [...cols] : Array.from({ length: X.cols }, (_, j) => `x${j}`);
  if (columns.length !== X.cols || new Set(columns).size !== columns.length) {
    modelError('invalid_option', `columns must be ${X.cols} distinct names, one per column of X`, {
      parameter: 'columns',
      length: columns.length,
      expected: X.cols,
    });
  }
  if (nClasses < 2 || new Set(classes).size !== nClasses) {
    modelError('invalid_option', 'classes must be at least 2 distinct names', {
      parameter: 'classes',
      value: classes,
    });
  }
  const labels = toClassIndices(y, nClasses, classes);
  classWeights(labels, nClasses, classWeight, classes); // checks the option before any fit
  const candidates: HyperParameters[] =
    o.estimator === 'logistic'
      ? (checkGrid('C', o.grid.C, Number.MIN_VALUE),
        [...new Set(o.grid.C)].sort((a, b) => a - b).map((C) => ({ C })))
      : (checkGrid('hiddenUnits', o.grid.hiddenUnits, 1, true),
        checkGrid('weightDecay', o.grid.weightDecay, 0),
        [...new Set(o.grid.hiddenUnits)]
          .sort((a, b) => a - b)
          .flatMap((hiddenUnits) =>
            [...new Set(o.grid.weightDecay)]
              .sort((a, b) => b - a)
              .map((weightDecay) => ({ hiddenUnits, weightDecay })),
          ));
  const result = nestedCrossValidate(
    {
      X,
      y: labels,
      classes,
      columns,
      groups,
      sampleWeight: sampleWeight ? checkSampleWeight(sampleWeight, X.rows) : null,
    },
    { ...o, candidates, classWeight },
    { onProgress, audit },
  );
  const classCounts = new Array<number>(nClasses).fill(0);
  for (const l of labels) classCounts[l]++;
  return {
    model: result.pipeline.toJSON(),
    oof: result.oof,
    cv: {
      estimator: o.estimator,
      outerFolds: o.outerFolds,
      innerFolds: o.innerFolds,
      seed: o.seed,
      calibration: o.calibration,
      classWeight,
      candidates,
      rows: X.rows,
      subjects: new Set(Array.from(groups)).size,
      classCounts,
      folds: result.folds,
      final: result.final,
      oofAuc: result.oofAuc,
      elapsedMs: performance.now() - t0,
    },
  };
}

/** Restores a pipeline once for repeated predictions (`invalid_pipeline` if the JSON is malformed). */
export function loadPipeline(json: unknown): FittedPipeline {
  return FittedPipeline.fromJSON(json);
}

/**
 * Calibrated class probabilities (n × classes, in `pipeline.classes` order) of new rows.
 * `columns` names X's columns; reordered to the pipeline's order if needed, `feature_mismatch`
 * when names are missing or unknown.
 */
export function predictProbaWithPipeline(
  pipeline: SerializedPipeline | FittedPipeline,
  X: Matrix,
  columns: readonly string[],
): Matrix64 {
  const fitted = pipeline instanceof FittedPipeline ? pipeline : FittedPipeline.fromJSON(pipeline);
  checkMatrix(X, 'X', { allowMissing: true });
  return fitted.predictProba(X, columns);
}

/**
 * The calibrated probability of the screened condition (`classes[1]`) for each row of X, from a
 * binary pipeline; multi-class pipelines need {@link predictProbaWithPipeline} (`invalid_option`).
 */
export function predictWithPipeline(
  pipeline: SerializedPipeline | FittedPipeline,
  X: Matrix,
  columns: readonly string[],
): Float64Array {
  const nClasses = pipeline.classes.length;
  if (nClasses !== 2) {
    modelError('invalid_option', `the pipeline has ${nClasses} classes; use predictProbaWithPipeline`, {
      classes: pipeline.classes,
    });
  }
  return column(predictProbaWithPipeline(pipeline, X, columns), 1);
}
