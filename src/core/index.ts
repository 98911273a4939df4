/**
 * What every layer shares: the one error class and its reason codes, the conditions screened for,
 * and the software version.
 */
export { EndofaceError, isEndofaceError } from './errors.js';
export {
  isReasonCode,
  REASONS,
  type Reason,
  type ReasonCode,
  type ReasonInfo,
  type ReasonKind,
  type ReasonSubset,
} from './reasons.js';
export { CONDITIONS, CONDITION_LABELS, type Condition } from './conditions.js';
export { SOFTWARE_VERSION } from './version.js';
