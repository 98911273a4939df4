/**
 * Nested, subject-grouped, stratified cross-validation (Varma & Simon, "Bias in error estimation
 * when using cross-validation for model selection", BMC Bioinformatics 2006; Cawley & Talbot, "On
 * over-fitting in model selection and subsequent selection bias in performance evaluation", JMLR
 * 2010). The whole training procedure — choose hyper-parameters by inner CV, calibrate on the
 * inner out-of-fold scores, refit — runs inside each outer training set, so the outer test folds'
 * predictions are honest estimates of that procedure; the final model is the same procedure on
 * all rows.
 */
import { isEndofaceError } from '../core/index.js';
import { take, takeRows, zeros, type Matrix, type Matrix64 } from './matrix.js';
import { applyStandardizer, fitStandardizer } from './standardize.js';
import { fitCalibrator, type CalibrationMethod } from './calibration.js';
import {
  aucOfProbabilities,
  probabilitiesFromDecision,
  type ClassWeight,
  type Estimator,
  type FittedEstimator,
} from './estimator.js';
import { LogisticRegression, type LogisticOptions } from './logistic.js';
import { MultinomialLogisticRegression } from './multinomial.js';
import { MlpClassifier, type MlpOptions } from './mlp.js';
import { deriveSeed, foldRows, stratifiedGroupKFold } from './splits.js';
import { FittedPipeline, type HyperParameters } from './pipeline.js';
import { modelError } from './validate.js';

/** Settings of one nested cross-validation (resolved; see `trainScreen` for the defaults). */
export interface NestedCvConfig {
  estimator: 'logistic' | 'mlp';
  outerFolds: number;
  innerFolds: number;
  /** Candidates, simplest (most regularised) first: ties in inner-CV AUC go to the earlier one. */
  candidates: HyperParameters[];
  classWeight: ClassWeight;
  calibration: CalibrationMethod;
  seed: number;
  logistic: Omit<LogisticOptions, 'C'>;
  mlp: Omit<MlpOptions, 'hiddenUnits' | 'weightDecay'>;
}

/** The checked data of a nested cross-validation. */
export interface NestedCvData {
  X: Matrix;
  /** Class index of each row. */
  y: Int32Array;
  classes: readonly string[];
  columns: readonly string[];
  /** Subject of each row. */
  groups: ArrayLike<string | number>;
  sampleWeight: Float64Array | null;
}

/**
 * What the procedure touched, for audits: the rows (indices into X) a standardiser, a model or a
 * calibrator was fitted on. `outerFold` is null for the final model, `innerFold` null for the
 * refit on a whole (outer) training set.
 */
export interface AuditEvent {
  step: 'standardize' | 'fit' | 'calibrate';
  outerFold: number | null;
  innerFold: number | null;
  rows: Int32Array;
}

/** Callbacks of a nested cross-validation. */
export interface NestedCvHooks {
  /** Called after every model fit: `stage` names the outer fold ("outer fold 2/5") or "final model"; done/total count fits. */
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Called before every fit of a standardiser, model or calibrator. */
  audit?: (event: AuditEvent) => void;
}

/** A candidate's inner-CV result. */
export interface CandidateScore {
  hyperParameters: HyperParameters;
  /** AUC on each inner test fold (multi-class: macro one-vs-rest). */
  foldAucs: number[];
  meanAuc: number;
}

/** The outcome of the procedure on one training set. */
export interface Selection {
  chosen: HyperParameters;
  innerScores: CandidateScore[];
}

/** One outer fold. */
export interface OuterFoldSummary extends Selection {
  fold: number;
  trainRows: number;
  testRows: number;
  trainSubjects: number;
  testSubjects: number;
  /** AUC of the fold's calibrated test predictions. */
  testAuc: number;
}

/** An out-of-fold prediction: the outer fold's pipeline on a row it was not trained on. */
export interface OofPrediction {
  /** Row of X. */
  index: number;
  /** Outer fold (0-based) in which the row was tested. */
  fold: number;
  group: string;
  /** Class index. */
  label: number;
  /** Binary tasks: calibrated P(classes[1]). */
  probability?: number;
  /** Calibrated probability of each class. */
  probabilities: number[];
}

/** Result of {@link nestedCrossValidate}. */
export interface NestedCvResult {
  pipeline: FittedPipeline;
  oof: OofPrediction[];
  folds: OuterFoldSummary[];
  final: Selection;
  /** AUC of all out-of-fold predictions pooled (multi-class: macro one-vs-rest). */
  oofAuc: number;
}

function makeEstimator(config: NestedCvConfig, nClasses: number, hp: HyperParameters): Estimator {
  if ('C' in hp) {
    return nClasses === 2
      ? new LogisticRegression({ ...config.logistic, C: hp.C })
      : new MultinomialLogisticRegression({
          maxIter: config.logistic.maxIter,
          tol: config.logistic.tol,
          C: hp.C,
        });
  }
  return new MlpClassifier({ ...config.mlp, ...hp });
}

/**
 * Runs nested cross-validation: outer stratified-group k-fold for out-of-fold predictions; in each
 * outer training set an inner stratified-group k-fold picks the candidate with the best mean
 * inner-test AUC, a calibrator is fitted on that candidate's inner out-of-fold scores, and the
 * candidate is refitted on the whole outer training set to predict the outer test fold. The
 * standardiser is refitted on every training set. Deterministic given `config.seed`.
 */
export function nestedCrossValidate(
  data: NestedCvData,
  config: NestedCvConfig,
  hooks: NestedCvHooks = {},
): NestedCvResult {
  const { X, y, groups, classes } = data;
  const nClasses = classes.length;
  const perStage = config.innerFolds * config.candidates.length + 1;
  const total = (config.outerFolds + 1) * perStage;
  let done = 0;

  /** The training procedure on `rows`; `outer` is the outer fold or null for the final model. */
  const selectAndFit = (rows: Int32Array, outer: number | null, stage: string) => {
    const stageId = outer ?? config.outerFolds;
    const yRows = take(y, rows);
    const gRows = Array.from(rows, (i) => groups[i]);
    let inner: Int32Array;
    try {
      inner = stratifiedGroupKFold(
        yRows,
        gRows,
        config.innerFolds,
        deriveSeed(config.seed, 1, stageId),
        classes,
      );
    } catch (e) {
      // Tagged with the CV that failed, so a caller can name the setting to lower.
      if (isEndofaceError(e) && e.code === 'too_few_subjects') {
        const where = outer === null ? 'all training rows' : `training set of outer fold ${outer + 1}`;
        modelError('too_few_subjects', `${where}: ${e.message}`, {
          ...e.details,
          cv: 'inner',
          ...(outer === null ? {} : { outerFold: outer }),
        });
      }
      throw e;
    }
    const m = nClasses === 2 ? 1 : nClasses;
    const oofDecision = config.candidates.map(() => zeros(rows.length, m));
    const foldAucs: number[][] = config.candidates.map(() => []);
    /** Fits a standardiser on `trainRows` (audited). */
    const standardize = (trainRows: Int32Array, innerFold: number | null) => {
      hooks.audit?.({ step: 'standardize', outerFold: outer, innerFold, rows: trainRows });
      const std = fitStandardizer(X, trainRows);
      return { std, Xtrain: applyStandardizer(std, X, trainRows) };
    };
    /** Fits candidate c on standardised training rows (audited). */
    const fitOn = (
      trainRows: Int32Array,
      Xtrain: Matrix64,
      c: number,
      innerFold: number | null,
      warmStart?: FittedEstimator,
    ) => {
      hooks.audit?.({ step: 'fit', outerFold: outer, innerFold, rows: trainRows });
      const model = makeEstimator(config, nClasses, config.candidates[c]).fit(Xtrain, take(y, trainRows), {
        nClasses,
        classNames: classes,
        classWeight: config.classWeight,
        sampleWeight: data.sampleWeight ? take(data.sampleWeight, trainRows) : undefined,
        groups: Array.from(trainRows, (i) => groups[i]),
        warmStart,
        seed: deriveSeed(config.seed, 2, stageId, innerFold ?? config.innerFolds, c),
      });
      hooks.onProgress?.(stage, ++done, total);
      return model;
    };
    for (let f = 0; f < config.innerFolds; f++) {
      const split = foldRows(inner, f);
      const trainRows = take(rows, split.train);
      const testRows = take(rows, split.test);
      const yTest = take(y, testRows);
      const { std, Xtrain } = standardize(trainRows, f);
      const Xtest = applyStandardizer(std, X, testRows);
      let warm: FittedEstimator | undefined;
      for (let c = 0; c < config.candidates.length; c++) {
        warm = fitOn(trainRows, Xtrain, c, f, warm);
        const decision = warm.decisionFunction(Xtest);
        split.test.forEach((local, r) =>
          oofDecision[c].data.set(decision.data.subarray(r * m, (r + 1) * m), local * m),
        );
        foldAucs[c].push(aucOfProbabilities(yTest, probabilitiesFromDecision(decision)));
      }
    }
    const innerScores: CandidateScore[] = config.candidates.map((hp, c) => ({
      hyperParameters: hp,
      foldAucs: foldAucs[c],
      meanAuc: foldAucs[c].reduce((a, b) => a + b, 0) / foldAucs[c].length,
    }));
    let best = 0;
    innerScores.forEach((s, c) => {
      if (s.meanAuc > innerScores[best].meanAuc) best = c;
    });
    const chosen = config.candidates[best];
    hooks.audit?.({ step: 'calibrate', outerFold: outer, innerFold: null, rows });
    const calibrator = fitCalibrator(
      oofDecision[best],
      yRows,
      config.calibration,
      data.sampleWeight ? take(data.sampleWeight, rows) : undefined,
    );
    const { std, Xtrain } = standardize(rows, null);
    const model = fitOn(rows, Xtrain, best, null);
    const pipeline = new FittedPipeline(data.columns, classes, std, model, calibrator, chosen);
    return { pipeline, selection: { chosen, innerScores } };
  };

  let outerFold: Int32Array;
  try {
    outerFold = stratifiedGroupKFold(y, groups, config.outerFolds, deriveSeed(config.seed, 0), classes);
  } catch (e) {
    if (isEndofaceError(e) && e.code === 'too_few_subjects')
      modelError('too_few_subjects', e.message, { ...e.details, cv: 'outer' });
    throw e;
  }
  const oof: OofPrediction[] = new Array(X.rows);
  const oofProba = zeros(X.rows, nClasses);
  const folds: OuterFoldSummary[] = [];
  const subjects = (rows: Int32Array) => new Set(Array.from(rows, (i) => groups[i])).size;
  for (let f = 0; f < config.outerFolds; f++) {
    const { train, test } = foldRows(outerFold, f);
    const { pipeline, selection } = selectAndFit(train, f, `outer fold ${f + 1}/${config.outerFolds}`);
    const proba = pipeline.predictProba(takeRows(X, test), data.columns);
    test.forEach((i, r) => {
      const probabilities = Array.from(proba.data.subarray(r * nClasses, (r + 1) * nClasses));
      oofProba.data.set(probabilities, i * nClasses);
      oof[i] = {
        index: i,
        fold: f,
        group: String(groups[i]),
        label: y[i],
        ...(nClasses === 2 ? { probability: probabilities[1] } : {}),
        probabilities,
      };
    });
    folds.push({
      fold: f,
      trainRows: train.length,
      testRows: test.length,
      trainSubjects: subjects(train),
      testSubjects: subjects(test),
      testAuc: aucOfProbabilities(take(y, test), proba),
      ...selection,
    });
  }
  const all = Int32Array.from({ length: X.rows }, (_, i) => i);
  const final = selectAndFit(all, null, 'final model');
  return {
    pipeline: final.pipeline,
    oof,
    folds,
    final: final.selection,
    oofAuc: aucOfProbabilities(y, oofProba),
  };
}
