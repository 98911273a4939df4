/**
 * endoface's public entry point (`import … from 'endoface'`). Research software, not a medical device.
 *
 * - `createScreener()` — one photo in, its scores and the regions behind them out.
 * - The jobs — what each `endoface` command runs (`runScreen`, `runTrain`, `runEvaluate`, …), each a
 *   typed request in and a typed result out, with progress and cancellation (`JobContext`).
 * - The stages a library user builds on: decoding, face analysis, features, bundles and scoring,
 *   explanations, and the statistics (also at `endoface/stats`).
 */
export * from './jobs/index.js';
export {
  CONDITION_LABELS,
  CONDITIONS,
  EndofaceError,
  isEndofaceError,
  isReasonCode,
  REASONS,
  SOFTWARE_VERSION,
  type Condition,
  type Reason,
  type ReasonCode,
} from './core/index.js';
export { decodeImage, type DecodedImage } from './image/index.js';
export {
  analyzeFace,
  REGION_NAMES,
  REGIONS,
  type FaceAnalysis,
  type QualityVerdict,
  type RegionName,
} from './face/index.js';
export { extractFeatures, FeatureCache, type FaceFeatures } from './features/index.js';
export {
  loadBundle,
  scoreFaces,
  type Bundle,
  type BundleMetadata,
  type NormativeAssessment,
  type ScreenPrediction,
} from './model/index.js';
export { loadDataset, resolvePhotoInputs, type Dataset, type PhotoInput } from './data/index.js';
export {
  createExplainer,
  explanationFigures,
  type Explainer,
  type ExplainOptions,
  type PhotoExplanation,
} from './explain/index.js';
export { simulatePhenotype, type Phenotype, type SimulateOptions } from './simulate/index.js';
export * as stats from './stats/index.js';
