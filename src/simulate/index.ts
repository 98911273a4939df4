export {
  checkSimulateOptions,
  refuseHueOnGrey,
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
  CONDITIONS,
  SIGN_NAMES,
  SIGNS,
  signsOf,
  resolveSignMagnitudes,
  type Condition,
  type SignDefinition,
  type SignName,
} from './signs.js';
export { MIN_JITTERED_SEVERITY, subjectSeed, variedMagnitudes, type Variation } from './variation.js';
export { fitThinPlateSpline, evalThinPlateSpline, type ThinPlateSpline } from './tps.js';
export type { ColourEdit } from './colour.js';
