/**
 * How clearly a region ranking's first region leads — whether the explanation names one structure or
 * hesitates between several. The lead is the first region's value (logit importance, or contrast to
 * normal faces) minus that of the best region outside its left/right pair: both cheeks share a
 * bilateral sign, so a cheek leading the other cheek is no hesitation.
 *
 * The threshold comes from the pointing-game proof (docs/proof-pointing-game.md): chosen on its
 * development split as the smallest of 0.25, 0.5, 0.75, 1, 1.5, 2 logits at which the changed region
 * ranked first in ≥ 90 % of decisive explanations for both screens (1.5), then checked once on the
 * held-out identities.
 */
import { mirrorRegion, type RegionName } from '../face/regions.js';

/** A lead of at least this many logits makes a ranking decisive. */
export const DECISIVE_LEAD_LOGIT = 1.5;

export interface RankingLead {
  /** The best region outside the first one's left/right pair. */
  over: RegionName;
  /** The first region's value minus `over`'s, in logits (≥ 0). */
  logit: number;
  /** `logit` ≥ {@link DECISIVE_LEAD_LOGIT}. */
  decisive: boolean;
}

/** The lead of the largest value over the best value outside its region's left/right pair. */
export function rankingLead(values: ReadonlyArray<{ region: RegionName; value: number }>): RankingLead {
  const sorted = [...values].sort((a, b) => b.value - a.value);
  const first = sorted[0];
  const pair = new Set([first.region, mirrorRegion(first.region)]);
  const over = sorted.find((v) => !pair.has(v.region)) ?? first;
  const logit = first.value - over.value;
  return { over: over.region, logit, decisive: logit >= DECISIVE_LEAD_LOGIT };
}
