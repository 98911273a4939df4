/**
 * McNemar's test for paired binary outcomes — e.g. the model's and a reader's calls on the same
 * positive cases (a sensitivity comparison) or the same negative cases (specificity).
 */
import { binomialHalfPmf, normalSf } from './distributions.js';
import type { TestResult } from './types.js';
import { checkConsistentLength, statsError, toBinaryLabels } from './validate.js';
import { lookUpOption } from '../util/index.js';

/** A paired 2×2 table [[a, b], [c, d]]: rows = first rater 1/0, columns = second rater 1/0. */
export type PairedTable = [[number, number], [number, number]];

export const MCNEMAR_METHODS = ['exact', 'mid-p', 'chi2', 'chi2-corrected'] as const;
export type McnemarMethod = (typeof MCNEMAR_METHODS)[number];

/** {@link mcnemarTest}'s result. */
export interface McnemarTest extends TestResult {
  method: McnemarMethod;
  table: PairedTable;
  /** Discordant counts: b = first 1 / second 0, c = first 0 / second 1. */
  discordant: [number, number];
}

/**
 * Cross-tabulates two raters' binary calls on the same cases, optionally only where `mask` is 1
 * (e.g. the truly positive cases).
 */
export function pairedTable(
  first: ArrayLike<number | boolean>,
  second: ArrayLike<number | boolean>,
  mask?: ArrayLike<number | boolean>,
): PairedTable {
  checkConsistentLength(mask === undefined ? { first, second } : { first, second, mask });
  const a1 = toBinaryLabels(first, 'first');
  const a2 = toBinaryLabels(second, 'second');
  const m = mask === undefined ? null : toBinaryLabels(mask, 'mask');
  const t: PairedTable = [
    [0, 0],
    [0, 0],
  ];
  for (let i = 0; i < a1.length; i++) {
    if (m !== null && m[i] === 0) continue;
    t[1 - a1[i]][1 - a2[i]]++;
  }
  return t;
}

/**
 * McNemar's test of marginal homogeneity (McNemar, Psychometrika 1947) on the discordant pairs
 * b and c (statsmodels' `mcnemar(table, exact=…, correction=…)`):
 * - `exact` (default): two-sided binomial p = min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½);
 *   statistic = min(b, c). With b + c = 0, p = 1.
 * - `mid-p`: the exact p minus P(X = min(b, c)) (Fagerland, Lydersen & Laake, BMC Med Res
 *   Methodol 2013;13:91 — closer to nominal size than the conservative exact test).
 * - `chi2` / `chi2-corrected`: (|b − c| − k)² / (b + c), k = 0 or 1 (Edwards' continuity
 *   correction), on 1 df. Null-free: b + c = 0 gives statistic 0, p = 1.
 *
 * @example
 * mcnemarTest([[46, 28], [11, 4]]) // { statistic: 11, pValue: 0.009475…, method: 'exact', … }
 */
export function mcnemarTest(table: PairedTable, options: { method?: McnemarMethod } = {}): McnemarTest {
  const method = lookUpOption('method', options.method ?? 'exact', MCNEMAR_METHODS);
  const flat = table.flat();
  if (flat.length !== 4 || flat.some((v) => !(Number.isInteger(v) && v >= 0))) {
    statsError(
      'invalid_option',
      `table must be [[a, b], [c, d]] of non-negative integers, got ${JSON.stringify(table)}`,
      {
        parameter: 'table',
      },
    );
  }
  const b = table[0][1];
  const c = table[1][0];
  const n = b + c;
  const base = {
    method,
    table: [[...table[0]], [...table[1]]] as PairedTable,
    discordant: [b, c] as [number, number],
  };
  if (method === 'exact' || method === 'mid-p') {
    const k = Math.min(b, c);
    if (n === 0) return { ...base, statistic: 0, pValue: 1 };
    const pmf = binomialHalfPmf(n);
    let cdf = 0;
    for (let i = 0; i <= k; i++) cdf += pmf[i];
    const exact = Math.min(1, 2 * cdf);
    const pValue = method === 'exact' ? exact : Math.min(1, 2 * cdf - pmf[k]);
    return { ...base, statistic: k, pValue };
  }
  if (n === 0) return { ...base, statistic: 0, pValue: 1 };
  const corr = method === 'chi2-corrected' ? 1 : 0;
  const statistic = Math.max(0, Math.abs(b - c) - corr) ** 2 / n;
  // P(χ²₁ > x) = 2·P(Z > √x)
  return { ...base, statistic, pValue: Math.min(1, 2 * normalSf(Math.sqrt(statistic))) };
}
