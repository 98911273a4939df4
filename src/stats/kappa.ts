/**
 * Agreement between two raters beyond chance.
 */
import type { StatsWarning } from './types.js';
import { checkConsistentLength, toFiniteScores, type NumericArray } from './validate.js';
import { lookUpOption } from '../util/index.js';

export const KAPPA_WEIGHTS = ['none', 'linear', 'quadratic'] as const;
export type KappaWeights = (typeof KAPPA_WEIGHTS)[number];

/**
 * Cohen's kappa, κ = (pₒ − pₑ)/(1 − pₑ) (Cohen, Educ Psychol Meas 1960), with optional linear or
 * quadratic disagreement weights for ordinal ratings (Cohen 1968) — scikit-learn's
 * `cohen_kappa_score(y1, y2, weights=…)`: categories are the sorted union of both raters' values
 * and weights use their positions (|i − j| or (i − j)²). Null when chance agreement is perfect
 * (both raters use one and the same category), where κ is 0/0.
 *
 * @example
 * cohenKappaScore([0, 0, 1, 1], [0, 0, 0, 1]) // 0.5
 */
export function cohenKappaScore(
  y1: NumericArray,
  y2: NumericArray,
  options: { weights?: KappaWeights } = {},
): number | null {
  return cohenKappa(y1, y2, options).kappa;
}

/** {@link cohenKappaScore} with the warning that explains a null. */
export function cohenKappa(
  y1: NumericArray,
  y2: NumericArray,
  options: { weights?: KappaWeights } = {},
): { kappa: number | null; weights: KappaWeights; warnings: StatsWarning[] } {
  const weights = lookUpOption('weights', options.weights ?? 'none', KAPPA_WEIGHTS);
  checkConsistentLength({ y1, y2 });
  const a = toFiniteScores(y1, 'y1');
  const b = toFiniteScores(y2, 'y2');
  const labels = [...new Set([...a, ...b])].sort((u, v) => u - v);
  const index = new Map(labels.map((v, i) => [v, i]));
  const k = labels.length;
  const confusion = new Float64Array(k * k);
  const rows = new Float64Array(k);
  const cols = new Float64Array(k);
  for (let i = 0; i < a.length; i++) {
    const r = index.get(a[i]) as number;
    const c = index.get(b[i]) as number;
    confusion[r * k + c]++;
    rows[r]++;
    cols[c]++;
  }
  const n = a.length;
  let observed = 0;
  let expected = 0;
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      const w =
        weights === 'none' ? (r === c ? 0 : 1) : weights === 'linear' ? Math.abs(r - c) : (r - c) ** 2;
      observed += w * confusion[r * k + c];
      expected += (w * rows[r] * cols[c]) / n;
    }
  }
  if (expected === 0) {
    return {
      kappa: null,
      weights,
      warnings: [
        {
          code: 'zero_division',
          metric: 'kappa',
          message: 'kappa is undefined: both raters gave one and the same category',
        },
      ],
    };
  }
  return { kappa: 1 - observed / expected, weights, warnings: [] };
}
