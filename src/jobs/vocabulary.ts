/**
 * The values a job request's fields take, for the shells that offer them (a CLI flag's choices, a
 * form's options): re-exported here so that shells need nothing below the job layer.
 */
export { CONDITIONS, type Condition } from '../core/index.js';
export { FILL_DETAILS, REGION_METHODS, type FillDetail, type RegionMethod } from '../explain/index.js';
export { QUALITY_STATUSES, type QualityStatus } from '../face/index.js';
export { FEATURE_SET_NAMES, type FeatureSetName } from '../features/index.js';
export { SCREEN_ESTIMATORS, type ScreenEstimator, type Sex } from '../model/index.js';

export {
  AGGREGATIONS,
  MAX_RESAMPLES,
  parseThresholdSpec,
  type Aggregation,
  type ThresholdSpec,
} from '../stats/index.js';
