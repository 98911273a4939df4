/**
 * Subgroup tables: does the screen work as well for women as for men, for every age band, at
 * every site?
 */
import { delongCi, type DelongCi } from './delong.js';
import { callsAtThreshold, countConfusion } from './threshold-metrics.js';
import { wilsonInterval } from './proportions.js';
import type { ProportionEstimate, StatsWarning } from './types.js';
import { checkBinaryInput, checkConsistentLength, checkLevel, type NumericArray } from './validate.js';

/** Label used for cases whose covariate is empty. */
export const MISSING_LEVEL = '(missing)';

/** One subgroup's row. */
export interface SubgroupRow {
  covariate: string;
  value: string;
  n: number;
  nPositive: number;
  nNegative: number;
  /** DeLong; null when the subgroup has one class (`single_class_subgroup`). */
  auc: DelongCi | null;
  sensitivity: ProportionEstimate;
  specificity: ProportionEstimate;
  ppv: ProportionEstimate;
  npv: ProportionEstimate;
}

/** {@link subgroupTable}'s result. */
export interface SubgroupTable {
  covariate: string;
  threshold: number;
  rows: SubgroupRow[];
  warnings: StatsWarning[];
}

/**
 * Metrics per level of one covariate (sorted levels; empty values form a `(missing)` level): AUC
 * with DeLong CI (pROC `ci.auc`), and sensitivity, specificity, PPV, NPV at the threshold with
 * Wilson CIs (statsmodels `proportion_confint`). Intervals treat cases as independent; with
 * several photos per subject use subject-level scores (`aggregateBySubject`) for subgroup tables.
 *
 * @example
 * subgroupTable([0, 1, 0, 1], [0.2, 0.9, 0.6, 0.7], ['F', 'F', 'M', 'M'], 'sex').rows[1].auc.estimate // 1
 */
export function subgroupTable(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  groups: ArrayLike<string>,
  covariate: string,
  options: { threshold?: number; level?: number } = {},
): SubgroupTable {
  const threshold = options.threshold ?? 0.5;
  const level = checkLevel(options.level ?? 0.95);
  checkConsistentLength({ yTrue, yScore, groups });
  const { y, s } = checkBinaryInput(yTrue, yScore);
  const byValue = new Map<string, number[]>();
  for (let i = 0; i < y.length; i++) {
    const v = groups[i] === '' ? MISSING_LEVEL : groups[i];
    const list = byValue.get(v) ?? [];
    list.push(i);
    byValue.set(v, list);
  }
  const warnings: StatsWarning[] = [];
  const rows = [...byValue.keys()].sort().map((value): SubgroupRow => {
    const idx = byValue.get(value) as number[];
    const yy = Uint8Array.from(idx, (i) => y[i]);
    const ss = Float64Array.from(idx, (i) => s[i]);
    const cm = countConfusion(yy, callsAtThreshold(ss, threshold));
    const nPositive = cm.tp + cm.fn;
    const nNegative = cm.tn + cm.fp;
    let auc: DelongCi | null = null;
    if (nPositive > 0 && nNegative > 0) auc = delongCi(yy, ss, { level });
    else {
      warnings.push({
        code: 'single_class_subgroup',
        metric: `${covariate}=${value}`,
        message: `${covariate}=${value} has only ${nPositive === 0 ? 'negatives' : 'positives'}; AUC undefined`,
      });
    }
    if (idx.length < 10) {
      warnings.push({
        code: 'few_cases',
        metric: `${covariate}=${value}`,
        message: `${covariate}=${value} has ${idx.length} cases`,
      });
    }
    return {
      covariate,
      value,
      n: idx.length,
      nPositive,
      nNegative,
      auc,
      sensitivity: wilsonInterval(cm.tp, nPositive, { level }),
      specificity: wilsonInterval(cm.tn, nNegative, { level }),
      ppv: wilsonInterval(cm.tp, cm.tp + cm.fp, { level }),
      npv: wilsonInterval(cm.tn, cm.tn + cm.fn, { level }),
    };
  });
  return { covariate, threshold, rows, warnings };
}
