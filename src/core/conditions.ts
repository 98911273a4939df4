/**
 * The conditions endoface screens for, defined once: every stage (normative scores, simulated signs,
 * expert regions of interest) and every result keys its per-condition values by these names.
 */
export const CONDITIONS = ['cushing', 'acromegaly'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** How each condition is named in prose. */
export const CONDITION_LABELS: Record<Condition, string> = {
  cushing: "Cushing's syndrome",
  acromegaly: 'acromegaly',
};
