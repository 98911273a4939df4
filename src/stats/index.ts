/**
 * The statistics of a diagnostic-accuracy study: pure, synchronous functions, labels first
 * `(yTrue, yScore, options?)`, named after scikit-learn's metrics in camelCase. Each names the
 * reference implementation it matches (scikit-learn, pROC, statsmodels) and the method's paper.
 */
export { confusionAtThresholds, type ConfusionAtThresholds } from './confusion.js';
export { rocCurve, rocAucScore, type RocCurve, type RocCurveOptions } from './roc.js';
export { delongCi, delongTest, type DelongCi, type DelongTest } from './delong.js';
export { precisionRecallCurve, averagePrecisionScore, type PrecisionRecallCurve } from './pr.js';
export { wilsonInterval } from './proportions.js';
export {
  thresholdMetrics,
  classificationMetrics,
  metricsFromConfusion,
  predictiveValuesAtPrevalence,
  matthewsCorrcoef,
  type ClassificationMetrics,
  type ClassificationOptions,
  type ConfusionMatrix,
  type PredictiveValuesAtPrevalence,
} from './threshold-metrics.js';
export {
  youdenThreshold,
  thresholdForSensitivity,
  thresholdForSpecificity,
  type OperatingPoint,
} from './thresholds.js';
export {
  brierScoreLoss,
  calibrationCurve,
  calibrationSlopeIntercept,
  CALIBRATION_STRATEGIES,
  type CalibrationCurve,
  type CalibrationFit,
  type CalibrationStrategy,
} from './calibration.js';
export {
  mcnemarTest,
  pairedTable,
  MCNEMAR_METHODS,
  type McnemarMethod,
  type McnemarTest,
  type PairedTable,
} from './mcnemar.js';
export { cohenKappaScore, cohenKappa, KAPPA_WEIGHTS, type KappaWeights } from './kappa.js';
export { decisionCurve, type DecisionCurve } from './decision-curve.js';
export {
  bootstrapBySubject,
  checkResamples,
  MAX_RESAMPLES,
  minIntervalReplicates,
  type BootstrapEstimate,
  type BootstrapOptions,
  type BootstrapResult,
  type WeightedStatistic,
} from './bootstrap.js';
export {
  createMetricsStatistic,
  THRESHOLD_METRIC_NAMES,
  type MetricsStatisticOptions,
} from './bootstrap-metrics.js';
export {
  aggregateBySubject,
  AGGREGATIONS,
  mixedLabelSubjects,
  type Aggregation,
  type SubjectScores,
} from './aggregate.js';
export {
  compareWithReader,
  detectRatingScale,
  RATING_SCALES,
  type ModelPredictions,
  type RatingScale,
  type ReaderOperatingPoint,
  type ReaderRatings,
  type ReaderResult,
  type InterReaderKappa,
} from './readers.js';
export { compareWithReaderGroup, type PooledComparison, type PooledQuantity } from './readers-pooled.js';
export { compareWithReaders, type ReaderStudy, type ReaderStudyOptions } from './reader-study.js';
export { subgroupTable, MISSING_LEVEL, type SubgroupRow, type SubgroupTable } from './subgroups.js';
export {
  diagnosticAccuracy,
  parseThresholdSpec,
  thresholdSpecName,
  type DiagnosticAccuracy,
  type DiagnosticAccuracyOptions,
  type ThresholdReport,
  type ThresholdSpec,
} from './summary.js';
export { clampedLogit, normalCdf, normalQuantile } from './distributions.js';
export { createRandom, normalDraw, type Random } from './random.js';
export type {
  ConfidenceInterval,
  ProportionEstimate,
  StatsWarning,
  StatsWarningCode,
  TestResult,
} from './types.js';
export type { StatsErrorCode } from './validate.js';
export { kendallTauB, midranks, spearmanCorrcoef } from './rank-correlation.js';
export { percentileSorted } from './distributions.js';
export { fitLogistic } from './logistic.js';
