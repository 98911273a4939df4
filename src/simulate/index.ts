export {
  simulatePhenotype,
  encodePhantom,
  HUE_SIGNS,
  SIMULATOR_VERSION,
  type Phenotype,
  type SignChange,
  type SimulateOptions,
  type SimulationErrorCode,
  type SimulationWarningCode,
} from './simulate.js';
export {
  simulateCohort,
  EARLIER_RUNS,
  MANIFEST_COLUMNS,
  type CohortOptions,
  type CohortResult,
} from '../jobs/simulate.js';
export {
  CONDITIONS,
  SIGN_NAMES,
  SIGNS,
  signsOf,
  resolveSignMagnitudes,
  type Condition,
  type SignDefinition,
  type SignName,
} from './signs.js';
export { readSourcePhotos, type SourcePhoto, type SimulateInputErrorCode } from '../data/inputs.js';
export { MIN_JITTERED_SEVERITY, subjectSeed, variedMagnitudes, type Variation } from './variation.js';
export { fitThinPlateSpline, evalThinPlateSpline, type ThinPlateSpline } from './tps.js';
export type { ColourEdit } from './colour.js';
