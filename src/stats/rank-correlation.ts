/**
 * Rank correlations for comparing explanations with each other and with human ratings: Spearman's
 * ρ and Kendall's τ-b, both with ties handled. Pure, synchronous; weighted forms serve the subject
 * bootstrap. An undefined correlation (a constant input) is NaN, which callers report as null.
 */
import { EndofaceError } from '../core/index.js';

function check(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) {
    throw new EndofaceError('length_mismatch', `x has ${x.length} values, y has ${y.length}`, {
      x: x.length,
      y: y.length,
    });
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      throw new EndofaceError(
        'invalid_input',
        `x[${i}] = ${x[i]}, y[${i}] = ${y[i]}: values must be finite`,
        {
          index: i,
        },
      );
    }
  }
}

/** Mid-ranks (1-based; tied values share the mean of their ranks). */
export function midranks(x: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const ranks = new Float64Array(x.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && x[order[j + 1]] === x[order[i]]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/**
 * Spearman's rank correlation ρ: Pearson's correlation of the mid-ranks (so ties are handled as
 * scipy.stats.spearmanr handles them). NaN when either input is constant.
 *
 * @example
 *   spearmanCorrcoef([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]); // 0.8207826816681233 (scipy)
 */
export function spearmanCorrcoef(x: ArrayLike<number>, y: ArrayLike<number>): number {
  check(x, y);
  return pearson(midranks(x), midranks(y));
}

/**
 * Kendall's τ-b (Kendall 1945): (concordant − discordant) / √((n₀ − n₁)(n₀ − n₂)), where n₁ and
 * n₂ count the pairs tied in x and in y — scipy.stats.kendalltau's default (variant 'b'). O(n²),
 * meant for a few dozen regions. NaN when either input is constant.
 *
 * @example
 *   kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]); // -0.4714045207910317 (scipy)
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  check(x, y);
  let s = 0,
    tiesX = 0,
    tiesY = 0,
    pairs = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      pairs++;
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      s += dx * dy;
    }
  }
  const den = Math.sqrt((pairs - tiesX) * (pairs - tiesY));
  return den > 0 ? s / den : NaN;
}
