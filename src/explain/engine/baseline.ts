/**
 * Region importance relative to normal faces. Masking a region is never perfectly neutral: the fill
 * puts the mean face's fine detail in place of this face's own (eyebrows, lip lines), and the
 * descriptor network reacts to that on every face, affected or not. Measured on normal faces, that
 * reaction is the baseline; subtracting it leaves what is particular to this face — the question a
 * clinician asks ("what here differs from normal faces, in the screen's eyes?"). The reference
 * population idea is that of DeepLIFT (Shrikumar et al., ICML 2017) and expected gradients.
 *
 * Importances are compared on the logit scale. On the probability scale a masking effect shrinks
 * by p(1 − p) wherever the score saturates, so the same reaction of the screen would look different
 * on normal faces (scores near 0) and affected ones (near 1); for a logistic head with Platt or no
 * calibration the logit difference is the head's own, free of p. The median over the normal faces
 * resists a few odd photos.
 */
import { EndofaceError } from '../../core/index.js';
import { REGION_NAMES, type RegionName } from '../../face/index.js';
import { median } from '../../model/index.js';
import type { RegionAttribution, RegionMethod } from './attribution.js';
import { logitImportance, rankingLead, unreadableLead } from './lead.js';
import type { SerializedLayerReference } from './layer-reference.js';

/** What a baseline must match to be used: the screen, class, bundle and masking it was measured with. */
export interface BaselineSettings {
  screen: string;
  explainedClass: string;
  /** `name@version` of the bundle. */
  bundle: string;
  /** The masking fill: its fine detail (`mean-face` | `none`) and σ in crop pixels. */
  fill: { detail: string; sigmaPx: number };
  /** How regions were hidden (attribution.ts); a baseline without it was measured by pixel masking. */
  regionMethod?: RegionMethod;
}

/** The importance of each region on normal faces, for one screen and class. */
export interface RegionBaseline extends BaselineSettings {
  method: 'median-logit-importance';
  /** Normal faces it was measured on. */
  n: number;
  /** Per region: the median over the normal faces of logit(score) − logit(score with the region masked). */
  byRegion: Record<RegionName, number>;
  /**
   * Feature occlusion's reference, measured on the same normal faces: explanations contrasted with
   * this baseline occlude towards it, so both sides of the contrast hide a region the same way.
   */
  layerReference?: SerializedLayerReference;
}

/**
 * The baseline of a screen from the region attributions of normal faces (attributions made without a
 * baseline, by the same screen, class, bundle and fill).
 *
 * @throws `empty_dataset` without attributions
 */
export function regionBaselineOf(
  attributions: readonly RegionAttribution[],
  settings: BaselineSettings,
): RegionBaseline {
  if (attributions.length === 0)
    throw new EndofaceError(
      'empty_dataset',
      'a region baseline needs at least one explained normal face',
      {},
    );
  const byRegion = Object.fromEntries(
    REGION_NAMES.map((region) => [
      region,
      median(
        attributions.map((a) => {
          const r = a.regions.find((x) => x.region === region)!;
          return logitImportance(a.score, r.maskedScore);
        }),
      ),
    ]),
  ) as Record<RegionName, number>;
  return { method: 'median-logit-importance', ...settings, n: attributions.length, byRegion };
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Refuses anything that is not a baseline (it may come from a JSON file) and a baseline measured for
 * another screen, class, bundle or fill.
 *
 * @throws `invalid_option` naming what is wrong
 */
export function assertBaselineFits(
  baseline: unknown,
  settings: BaselineSettings,
): asserts baseline is RegionBaseline {
  const b = baseline as Partial<RegionBaseline> | null | undefined;
  const wellFormed =
    b !== null &&
    typeof b === 'object' &&
    b.method === 'median-logit-importance' &&
    Number.isSafeInteger(b.n) &&
    b.n! > 0 &&
    isText(b.screen) &&
    isText(b.explainedClass) &&
    isText(b.bundle) &&
    isText(b.fill?.detail) &&
    Number.isFinite(b.fill?.sigmaPx) &&
    REGION_NAMES.every((r) => Number.isFinite(b.byRegion?.[r]));
  if (!wellFormed)
    throw new EndofaceError(
      'invalid_option',
      `not a region baseline: expected method "median-logit-importance", n ≥ 1, screen, explainedClass, bundle, fill and a finite value for each of the ${REGION_NAMES.length} regions`,
      { parameter: 'baseline' },
    );
  const want = `screen "${settings.screen}", class "${settings.explainedClass}", bundle ${settings.bundle}, fill ${settings.fill.detail} σ ${settings.fill.sigmaPx}, region method ${settings.regionMethod ?? 'pixel'}`;
  const got = `screen "${b.screen}", class "${b.explainedClass}", bundle ${b.bundle}, fill ${b.fill!.detail} σ ${b.fill!.sigmaPx}, region method ${b.regionMethod ?? 'pixel'}`;
  const method = b.regionMethod ?? 'pixel';
  if (got !== want)
    throw new EndofaceError(
      'invalid_option',
      `the region baseline was measured for ${got}, not ${want}; ${method !== (settings.regionMethod ?? 'pixel') ? `explain with \`regionMethod\` ${method}, or ` : ''}measure it again with these settings`,
      { parameter: 'baseline' },
    );
  // Feature occlusion's contrast is only meaningful towards the map the baseline was measured with.
  if (method !== 'pixel' && b.layerReference === undefined)
    throw new EndofaceError(
      'invalid_option',
      `the region baseline (region method ${method}) has no mean feature map (layerReference); measure it again`,
      { parameter: 'baseline' },
    );
}

/**
 * The attribution with each region's contrast to normal faces (`contrast` = its logit importance −
 * the baseline's), ranked by contrast. The probability-scale `importance` is kept unchanged.
 *
 * @throws `invalid_option` when the baseline does not fit (see {@link assertBaselineFits})
 */
export function contrastToBaseline(
  a: RegionAttribution,
  baseline: RegionBaseline,
  settings: BaselineSettings,
): RegionAttribution {
  assertBaselineFits(baseline, settings);
  const regions = a.regions
    .map((r) => ({
      ...r,
      contrast: logitImportance(a.score, r.maskedScore) - baseline.byRegion[r.region],
    }))
    .sort((x, y) => y.contrast - x.contrast);
  regions.forEach((r, i) => (r.rank = i + 1));
  const lead = rankingLead(regions.map((r) => ({ region: r.region, value: r.contrast })));
  return {
    ...a,
    regions,
    rankedBy: 'contrast',
    baseline: { method: baseline.method, n: baseline.n },
    lead: a.lead.note === undefined ? lead : unreadableLead(lead, a.lead.note),
  };
}
