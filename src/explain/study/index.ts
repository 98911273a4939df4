/** Study-level explanation: region importance over a cohort, and its agreement with experts' regions of interest. */
export {
  cohortRegionImportance,
  type CohortPhoto,
  type CohortRegionImportance,
  type CohortRegionSummary,
} from './cohort.js';
export {
  conditionOf,
  readHumanRoiCsv,
  expertRegionOf,
  EXPERT_REGIONS,
  EXPERT_REGION_MEMBERS,
  parseHumanRoiCsv,
  ROI_CONDITIONS,
  type ExpertRegion,
  type HumanRoiTable,
  type RoiCondition,
} from './human-roi.js';
export {
  agreementChartSpec,
  checkExpertRatings,
  regionAgreement,
  type AgreementOptions,
  type RegionAgreement,
} from './agreement.js';
