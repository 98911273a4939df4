/**
 * The explain stage: which facial regions drive a screen's score, per photo and per cohort, and
 * whether that matches the regions experts look at. Region masking and grid occlusion (Zeiler &
 * Fergus 2014) with a face-like inpainting fill; gradient saliency through the descriptor network
 * (Simonyan et al. 2014); sanity checks (model randomisation, Adebayo et al. 2018; deletion curves,
 * Petsiuk et al. 2018); agreement with human regions of interest (Spearman, Kendall τ-b, bootstrap).
 */

/** Reason codes the explain stage throws (with `EndofaceError`), besides the image and model stages' own. */
export type ExplainErrorCode =
  | 'no_face'
  | 'quality_rejected'
  | 'unsupported_feature_set'
  | 'invalid_option'
  | 'invalid_input'
  | 'length_mismatch'
  | 'invalid_human_roi'
  | 'unknown_region'
  | 'unknown_condition'
  | 'empty_dataset';
export {
  createExplainer,
  type ExplainOptions,
  type BaselinePhoto,
  type Explainer,
  type ExplainResult,
  type PhotoExplanation,
} from './explain.js';
export { assertBaselineFits, contrastToBaseline, regionBaselineOf, type RegionBaseline } from './engine/baseline.js';
export { measureRegionBaseline, type BaselineRun } from './engine/measure-baseline.js';
export { explanationFigures, type ExplanationFigures } from './render/figures.js';
export {
  DECISIVE_LEAD_LOGIT,
  importanceLead,
  logitImportance,
  rankingLead,
  unreadableLead,
  type RankingLead,
} from './engine/lead.js';
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
} from './engine/attribution.js';
export {
  cellMask,
  occlusionMap,
  OCCLUSION_GRIDS,
  type CropGrid,
  type OcclusionGrid,
  type OcclusionMap,
} from './engine/occlusion.js';
export {
  gradientSaliency,
  type SaliencyMap,
  type SaliencyOptions,
  type SaliencyUnavailable,
} from './engine/saliency.js';
export { enableGradients, DELEGATED_KERNELS } from './engine/gradient-kernels.js';
export {
  deletionCurve,
  modelRandomisationTest,
  randomizeFinalLayer,
  type DeletionCurve,
  type RandomisationTest,
} from './engine/sanity.js';
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
} from './engine/perturb.js';
export { defaultFillSigma, inpaintMasked, meanColour, type FillOptions, type FillSource } from './engine/fill.js';
export { featureReference, normativeReference, type FeatureReference } from './engine/reference.js';
export { meanFaceDetail } from './engine/mean-face.js';
export {
  colourBarSvg,
  overlayGrid,
  overlayPng,
  overlayRegions,
  paintRegions,
  photoToCropMatrix,
  type OverlayOptions,
} from './render/overlay.js';
export { COOL_WARM, coolWarm } from './render/colour-map.js';
export {
  cohortRegionImportance,
  type CohortPhoto,
  type CohortRegionImportance,
  type CohortRegionSummary,
} from './study/cohort.js';
export {
  conditionOf,
  expertRegionOf,
  EXPERT_REGIONS,
  EXPERT_REGION_MEMBERS,
  parseHumanRoiCsv,
  ROI_CONDITIONS,
  type ExpertRegion,
  type HumanRoiTable,
  type RoiCondition,
} from './study/human-roi.js';
export {
  agreementChartSpec,
  regionAgreement,
  type AgreementOptions,
  type RegionAgreement,
} from './study/agreement.js';
export { kendallTauB, midranks, spearmanCorrcoef } from '../stats/rank-correlation.js';
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
} from './engine/feature-occlusion.js';
export {
  createLayerAccumulator,
  parseLayerReference,
  referenceMap,
  serializeLayerReference,
  shippedLayerReference,
  type LayerReference,
  type SerializedLayerReference,
} from './engine/layer-reference.js';
