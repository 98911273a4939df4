/**
 * How clearly a region ranking's first region leads — whether the explanation names one structure or
 * hesitates between several. The lead is the first region's value (logit importance, or contrast to
 * normal faces) minus that of the best region outside its left/right pair: both cheeks share a
 * bilateral sign, so a cheek leading the other cheek is no hesitation.
 *
 * The threshold comes from the pointing-game proof (research/pointing-game/proof-pointing-game.md): chosen on its
 * development split as the smallest of 0.25, 0.5, 0.75, 1, 1.5, 2 logits at which the changed region
 * ranked first in ≥ 90 % of decisive explanations for each screen (1.5), then checked once on the
 * held-out identities.
 */
import { EndofaceError } from '../../core/index.js';
import { mirrorRegion, type RegionName } from '../../face/index.js';
import { clampedLogit } from '../../stats/index.js';

/** A lead of at least this many logits (with a first region that pushes towards the class) is decisive. */
export const DECISIVE_LEAD_LOGIT = 1.5;

export interface RankingLead {
  /** The best region outside the first one's left/right pair. */
  over: RegionName;
  /** The first region's value minus `over`'s, in logits (≥ 0). */
  logit: number;
  /** `logit` ≥ {@link DECISIVE_LEAD_LOGIT} and the first region pushes towards the explained class. */
  decisive: boolean;
  /** Why a lead cannot be read on this screen (an isotonic calibration's stepped scores), when it cannot. */
  note?: string;
}

/** Scores are clamped to [EPS, 1 − EPS] before the logit (a saturated score stays finite). */
const EPS = 1e-9;

/** A score's logit, clamped as every logit importance is. */
export const scoreLogit = (score: number): number => clampedLogit(score, EPS);

/** logit(score) − logit(masked score): a region's importance on the logit scale. */
export function logitImportance(score: number, maskedScore: number): number {
  return scoreLogit(score) - scoreLogit(maskedScore);
}

/**
 * The lead of the largest value over the best value outside its region's left/right pair.
 *
 * @throws `invalid_input` without values
 */
export function rankingLead(values: ReadonlyArray<{ region: RegionName; value: number }>): RankingLead {
  if (values.length === 0)
    throw new EndofaceError('invalid_input', 'a ranking lead needs at least one region', {});
  const sorted = [...values].sort((a, b) => b.value - a.value);
  const first = sorted[0];
  const pair = new Set([first.region, mirrorRegion(first.region)]);
  const over = sorted.find((v) => !pair.has(v.region)) ?? first;
  const logit = first.value - over.value;
  return { over: over.region, logit, decisive: first.value > 0 && logit >= DECISIVE_LEAD_LOGIT };
}

/** The lead of a masking attribution by importance: each region's logit importance from its masked score. */
export function importanceLead(
  score: number,
  regions: ReadonlyArray<{ region: RegionName; maskedScore: number }>,
): RankingLead {
  return rankingLead(
    regions.map((r) => ({ region: r.region, value: logitImportance(score, r.maskedScore) })),
  );
}

/**
 * A lead that cannot be read on this screen (`note` says why): never decisive. Re-ranking keeps it
 * so (`contrastToBaseline`), since the reason lies in the screen's scores, not in the ranking.
 */
export function unreadableLead(lead: RankingLead, note: string): RankingLead {
  return { ...lead, decisive: false, note };
}
