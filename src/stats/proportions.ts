/**
 * Intervals for proportions.
 */
import { normalCritical } from './distributions.js';
import { checkLevel, statsError } from './validate.js';
import type { ProportionEstimate } from './types.js';

/**
 * Wilson score interval for a binomial proportion k/n (statsmodels'
 * `proportion_confint(count, nobs, method="wilson")`; Wilson, J Am Stat Assoc 1927;22:209–212):
 * centre (p̂ + z²/2n)/(1 + z²/n), half-width z·√(p̂(1−p̂)/n + z²/4n²)/(1 + z²/n). Unlike the Wald
 * interval it stays inside [0, 1] and keeps its coverage near 0 and 1. With n = 0 every field is
 * null (the caller reports `zero_division`).
 *
 * @example
 * wilsonInterval(74, 89) // { estimate: 0.8314…, lower: 0.7403744…, upper: 0.8951174…, level: 0.95, method: 'wilson', … }
 */
export function wilsonInterval(
  successes: number,
  n: number,
  options: { level?: number } = {},
): ProportionEstimate {
  const level = checkLevel(options.level ?? 0.95);
  if (!(Number.isInteger(n) && n >= 0)) {
    statsError('invalid_option', `n=${n} must be a non-negative integer`, { parameter: 'n', value: n });
  }
  if (!(Number.isInteger(successes) && successes >= 0 && successes <= n)) {
    statsError('invalid_option', `successes=${successes} must be an integer in [0, n=${n}]`, {
      parameter: 'successes',
      value: successes,
    });
  }
  if (n === 0) {
    return {
      estimate: null,
      lower: null,
      upper: null,
      level,
      method: 'wilson',
      numerator: successes,
      denominator: n,
    };
  }
  const q = successes / n;
  const crit = normalCritical(level);
  const crit2 = crit * crit;
  const denom = 1 + crit2 / n;
  const center = (q + crit2 / (2 * n)) / denom;
  const dist = (crit * Math.sqrt((q * (1 - q)) / n + crit2 / (4 * n * n))) / denom;
  return {
    estimate: q,
    lower: Math.max(0, center - dist),
    upper: Math.min(1, center + dist),
    level,
    method: 'wilson',
    numerator: successes,
    denominator: n,
  };
}
