/**
 * Region importance relative to normal faces. Masking a region is never perfectly neutral: the fill
 * puts the mean face's fine detail in place of this face's own (eyebrows, lip lines), and the
 * descriptor network reacts to that on every face, affected or not. Measured on normal faces, that
 * reaction is the baseline; subtracting it leaves what is particular to this face — the question a
 * clinician asks ("what here differs from normal faces, in the screen's eyes?"). The reference
 * population idea is that of DeepLIFT (Shrikumar et al., ICML 2017) and expected gradients.
 *
 * Importances are compared on the logit scale: there the screen's reaction to a masked region does
 * not shrink as the score saturates, so a baseline measured on normal faces (scores near 0) applies
 * to affected faces (scores near 1). The median over the normal faces resists a few odd photos.
 */
import { EndofaceError } from '../errors.js';
import { REGION_NAMES, type RegionName } from '../face/regions.js';
import type { RegionAttribution } from './attribution.js';

/** The importance of each region on normal faces, for one screen and class. */
export interface RegionBaseline {
  method: 'median-logit-importance';
  /** The screen and class the baseline was measured for; it is refused for any other. */
  screen: string;
  explainedClass: string;
  /** Normal faces it was measured on. */
  n: number;
  /** Per region: the median over the normal faces of logit(score) − logit(score with the region masked). */
  byRegion: Record<RegionName, number>;
}

const EPS = 1e-9;
const logit = (p: number): number => {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
};

/** logit(score) − logit(masked score): a region's importance on the logit scale. */
export function logitImportance(score: number, maskedScore: number): number {
  return logit(score) - logit(maskedScore);
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * The baseline of a screen from the region attributions of normal faces (attributions made without a
 * baseline, by the same screen and class).
 *
 * @throws `empty_dataset` without attributions
 */
export function regionBaselineOf(
  attributions: readonly RegionAttribution[],
  target: { screen: string; explainedClass: string },
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
  return { method: 'median-logit-importance', ...target, n: attributions.length, byRegion };
}

/**
 * Refuses a baseline measured for another screen or class (or one that is not a baseline at all:
 * it may come from a JSON file).
 *
 * @throws `invalid_option`
 */
export function assertBaselineFits(
  baseline: RegionBaseline,
  target: { screen: string; explainedClass: string },
): void {
  const values = REGION_NAMES.map((r) => baseline?.byRegion?.[r]);
  if (baseline?.method !== 'median-logit-importance' || !values.every((v) => Number.isFinite(v)))
    throw new EndofaceError(
      'invalid_option',
      `not a region baseline (method median-logit-importance with a finite value for each of ${REGION_NAMES.length} regions)`,
      { parameter: 'baseline' },
    );
  if (baseline.screen !== target.screen || baseline.explainedClass !== target.explainedClass)
    throw new EndofaceError(
      'invalid_option',
      `the region baseline was measured for screen "${baseline.screen}", class "${baseline.explainedClass}", not "${target.screen}", "${target.explainedClass}"`,
      { parameter: 'baseline', baseline: { screen: baseline.screen, class: baseline.explainedClass } },
    );
}

/**
 * The attribution with each region's contrast to normal faces (`contrast` = its logit importance −
 * the baseline's), ranked by contrast. The probability-scale `importance` is kept unchanged.
 *
 * @throws `invalid_option` when the baseline was measured for another screen or class
 */
export function contrastToBaseline(
  a: RegionAttribution,
  baseline: RegionBaseline,
  target: { screen: string; explainedClass: string },
): RegionAttribution {
  assertBaselineFits(baseline, target);
  const regions = a.regions
    .map((r) => ({
      ...r,
      contrast: logitImportance(a.score, r.maskedScore) - baseline.byRegion[r.region],
    }))
    .sort((x, y) => y.contrast - x.contrast);
  regions.forEach((r, i) => (r.rank = i + 1));
  return { ...a, regions, rankedBy: 'contrast', baseline: { method: baseline.method, n: baseline.n } };
}
