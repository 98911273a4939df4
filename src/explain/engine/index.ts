/**
 * The explainer's engine: hiding regions (pixel masking with a face-like fill, feature occlusion
 * inside the network), grid occlusion, gradient saliency, the descriptor runner, the region
 * baseline of normal faces, the lead of a ranking and the sanity checks.
 */
export { assertBaselineFits, contrastToBaseline, regionBaselineOf, type RegionBaseline } from './baseline.js';
export { measureRegionBaseline, type BaselineRun } from './measure-baseline.js';
export {
  DECISIVE_LEAD_LOGIT,
  importanceLead,
  logitImportance,
  rankingLead,
  unreadableLead,
  type RankingLead,
} from './lead.js';
export {
  attributeRegions,
  attributionFromRows,
  attributionFromScores,
  combineAttributions,
  regionMethodFor,
  REGION_METHODS,
  type RegionMethod,
  type RegionRows,
  type RegionSettings,
  importanceVector,
  rankingVector,
  regionPerturbations,
  type RegionAttribution,
  type RegionImportance,
} from './attribution.js';
export {
  cellMask,
  occlusionMap,
  OCCLUSION_GRIDS,
  type CropGrid,
  type OcclusionGrid,
  type OcclusionMap,
} from './occlusion.js';
export {
  gradientSaliency,
  type SaliencyMap,
  type SaliencyOptions,
  type SaliencyUnavailable,
} from './saliency.js';
export { enableGradients, DELEGATED_KERNELS } from './gradient-kernels.js';
export {
  deletionCurve,
  modelRandomisationTest,
  randomizeFinalLayer,
  type DeletionCurve,
  type RandomisationTest,
} from './sanity.js';
export {
  explainTarget,
  neutraliseHandCrafted,
  perturbedFeatureRows,
  perturbedImage,
  prepareFace,
  regionCoverage,
  regionLayout,
  regionsMask,
  scorePerturbations,
  scoreRows,
  FILL_DETAILS,
  type ExplainTarget,
  type FillDetail,
  type Perturbation,
  type PrepareOptions,
  type PreparedFace,
} from './perturb.js';
export { defaultFillSigma, inpaintMasked, meanColour, type FillOptions, type FillSource } from './fill.js';
export { featureReference, normativeReference, type FeatureReference } from './reference.js';
export { meanFaceDetail } from './mean-face.js';
export {
  cellShares,
  cropGroupDescriptors,
  descriptorsFromLayer,
  isOccludable,
  layerActivations,
  meanActivation,
  networkLabels,
  occludedDescriptors,
  occludedGroupDescriptors,
  OCCLUDABLE_DESCRIPTORS,
  OCCLUSION_LAYERS,
  type OccludableDescriptor,
  type OcclusionLayer,
} from './feature-occlusion.js';
export {
  createLayerAccumulator,
  parseLayerReference,
  referenceMap,
  serializeLayerReference,
  shippedLayerReference,
  type LayerReference,
  type SerializedLayerReference,
} from './layer-reference.js';
export { createDescriptorRunner, localDescriptorRunner, type DescriptorRunner } from './descriptor-runner.js';
