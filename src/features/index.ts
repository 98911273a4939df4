/** The on-disk cache lives in io/ (it writes); re-exported for the stage's callers. */
export { FeatureCache, type CachedEntry } from '../io/index.js';
export {
  COLOUR_FEATURES,
  COLOUR_FEATURE_NAMES,
  COLOUR_VERSION,
  computeColourFeatures,
  regionLabStats,
  type ColourDefinition,
} from './colour.js';
export {
  computeDescriptors,
  DESCRIPTOR_IDS,
  DESCRIPTOR_MODELS,
  descriptorVersion,
  loadDescriptorModel,
  type DescriptorId,
} from './descriptors.js';
export {
  analysePhoto,
  computeFeatures,
  featuresOfAnalysis,
  extractFeatures,
  extractorVersions,
  lookupCachedFeatures,
  readPhotoBytes,
  storeFeatures,
  featureNames,
  FEATURE_SET_NAMES,
  type ExtractOptions,
  type FaceFeatures,
  type FeatureSetName,
} from './extract.js';
export {
  computeMorphometrics,
  frontalizeMesh,
  MORPHOMETRICS,
  MORPHOMETRIC_NAMES,
  MORPHOMETRICS_VERSION,
  type MorphometricDefinition,
} from './morphometrics.js';
export { extractFeatureBatch, type FeatureOutcome } from './batch.js';
export {
  computeColourLayout,
  COLOUR_LAYOUT_NAMES,
  COLOUR_LAYOUT_VERSION,
  LAYOUT_GRID,
} from './colour-layout.js';
export { descriptorInput } from './descriptors.js';
export { prepareDescriptorInput, runDescriptorGraph } from './descriptors.js';
export {
  decodeSexAge,
  estimateSexAge,
  runSexAgeHeads,
  SEX_AGE_VERSION,
  sexAgeVersion,
  type SexAgeEstimate,
  type SexAgeHeads,
} from './sex-age.js';
