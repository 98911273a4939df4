/**
 * The explain stage: which facial regions drive a screen's score. `createExplainer` loads a bundle
 * once and explains photo after photo: region attribution (masking each region, Zeiler & Fergus
 * 2014, with a face-like inpainting fill; or occlusion inside the network), an occlusion heatmap,
 * gradient saliency (Simonyan et al. 2014) and sanity checks (model randomisation, Adebayo et al.
 * 2018; deletion curves, Petsiuk et al. 2018). Study level: region importance over a cohort and its
 * agreement with experts' regions of interest. `engine/`, `study/` and `render/` hold the parts.
 */
export {
  createExplainer,
  type AnalysedPhoto,
  type BaselinePhoto,
  type Explainer,
  type ExplainOptions,
  type ExplainResult,
  type PhotoExplanation,
} from './explain.js';
export {
  explainTarget,
  FILL_DETAILS,
  REGION_METHODS,
  regionMethodFor,
  type ExplainTarget,
  type FillDetail,
  type RankingLead,
  type RegionAttribution,
  type RegionBaseline,
  type RegionImportance,
  type RegionMethod,
} from './engine/index.js';
export {
  agreementChartSpec,
  checkExpertRatings,
  cohortRegionImportance,
  conditionOf,
  readHumanRoiCsv,
  regionAgreement,
  type CohortPhoto,
  type CohortRegionImportance,
  type HumanRoiTable,
  type RegionAgreement,
  type RoiCondition,
} from './study/index.js';
export { explanationFigures, type ExplanationFigures } from './render/index.js';
