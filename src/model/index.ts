/**
 * The model stage: supervised screens over feature matrices (logistic regression, multinomial
 * logistic regression, a small MLP), subject-grouped splits, nested cross-validation, probability
 * calibration, the normative model of normal faces, scoring faces with a bundle, and bundles' JSON
 * form (read and checked by `loadBundle`; written by the train job). Pure numeric code but for
 * `loadBundle`, which reads.
 */
export {
  trainScreen,
  predictWithPipeline,
  predictProbaWithPipeline,
  loadPipeline,
  defaultScreenOptions,
  SCREEN_ESTIMATORS,
  type ScreenCv,
  type ScreenEstimator,
  type ScreenOptions,
  type TrainScreenOptions,
  type TrainedScreen,
} from './screen.js';
export {
  FittedPipeline,
  alignColumns,
  PIPELINE_FORMAT,
  PIPELINE_FORMAT_VERSION,
  type HyperParameters,
  type SerializedPipeline,
} from './pipeline.js';
export {
  nestedCrossValidate,
  type AuditEvent,
  type CandidateScore,
  type NestedCvConfig,
  type NestedCvData,
  type NestedCvHooks,
  type NestedCvResult,
  type OofPrediction,
  type OuterFoldSummary,
  type Selection,
} from './nested-cv.js';
export { stratifiedGroupKFold, stratifiedGroupHoldout, foldRows, deriveSeed } from './splits.js';
export {
  LogisticRegression,
  LogisticModel,
  LinearModel,
  logisticObjective,
  LOGISTIC_SOLVERS,
  NEWTON_MAX_FEATURES,
  defaultLogisticOptions,
  type FitInfo,
  type LogisticOptions,
  type LogisticSolver,
  type SerializedLogistic,
} from './logistic.js';
export {
  MultinomialLogisticRegression,
  MultinomialModel,
  multinomialObjective,
  type MultinomialOptions,
  type SerializedMultinomial,
} from './multinomial.js';
export {
  MlpClassifier,
  MlpModel,
  defaultMlpOptions,
  type MlpFitInfo,
  type MlpOptions,
  type SerializedMlp,
} from './mlp.js';
export {
  fitCalibrator,
  applyCalibrator,
  fitSigmoidMap,
  fitIsotonicMap,
  CALIBRATION_METHODS,
  type CalibrationMethod,
  type Calibrator,
  type IsotonicMap,
  type SigmoidMap,
} from './calibration.js';
export { fitStandardizer, applyStandardizer, type Standardizer } from './standardize.js';
export {
  aucOfProbabilities,
  probabilitiesFromDecision,
  classWeights,
  type ClassWeight,
  type Estimator,
  type EstimatorType,
  type FitOptions,
  type FittedEstimator,
} from './estimator.js';
export { minimizeLbfgs, type LbfgsOptions, type MinimizeResult } from './optimize.js';
export { fromRows, stackRows, toRows, zeros, type Matrix, type Matrix64 } from './matrix.js';
export type { ModelErrorCode } from './validate.js';
export {
  ageBandOf,
  describeStratum,
  sexAgeOf,
  readSexAge,
  type CovariateWarning,
  AGE_BANDS,
  assessNormative,
  fitNormativeModel,
  median,
  percentileOf,
  type AgeBand,
  type Condition,
  type NormativeAssessment,
  type NormativeFitOptions,
  type NormativeModel,
  type NormativeSample,
  type Sex,
} from './normative.js';
export { fitLowRank, lowRankScores, type LowRankModel } from './normative-pca.js';
export {
  BUNDLE_SCHEMA_VERSION,
  DISCLAIMER,
  bundleFiles,
  loadBundle,
  trainingDataHash,
  validateMetadata,
  type Bundle,
  type BundleMetadata,
  type MetricWithCi,
  type ScreenMetadata,
} from './bundle.js';
export { featureMatrix, matrixColumns } from './feature-matrix.js';
export {
  bundleFeatureSets,
  infiniteFeatureSet,
  scoreFaces,
  type FaceScores,
  type FaceToScore,
  type ScreenPrediction,
  type WithheldScreen,
} from './score.js';
export { checkMissingFeatures, decisionRule, type MissingFeatureCheck } from './missing-features.js';
export { sigmoid } from './matrix.js';
