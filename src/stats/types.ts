/**
 * Result shapes shared across the stats stage. Every result is plain data that serialises to JSON
 * unchanged; an undefined value is `null` together with a {@link StatsWarning} saying why.
 */
import type { ReasonSubset } from '../core/index.js';

/** A point estimate with a two-sided confidence interval (the `*Ci` / `*Interval` shape). */
export interface ConfidenceInterval {
  estimate: number;
  lower: number;
  upper: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  /** How the interval was computed, e.g. `wilson`, `delong`, `bootstrap-bca`. */
  method: string;
}

/** A hypothesis test's result (the `*Test` shape). */
export interface TestResult {
  statistic: number;
  pValue: number;
  method: string;
}

/** Codes of the warnings attached to results (never thrown). */
export type StatsWarningCode = ReasonSubset<
  | 'zero_division'
  | 'degenerate_interval'
  | 'multiple_optima'
  | 'no_convergence'
  | 'clipped_probabilities'
  | 'undefined_in_replicates'
  | 'single_class_subgroup'
  | 'covariate_varies_within_subject'
  | 'few_cases'
  | 'clustered_cases'
  | 'mixed_label_subjects'
  | 'scores_not_probabilities'
>;

/** A warning about an undefined or unreliable value; `metric` names the value concerned. */
export interface StatsWarning {
  code: StatsWarningCode;
  message: string;
  metric?: string;
}

/** A proportion k/n with its interval; all null when n = 0 (with a `zero_division` warning). */
export interface ProportionEstimate {
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  level: number;
  method: string;
  numerator: number;
  denominator: number;
}
