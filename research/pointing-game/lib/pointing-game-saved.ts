/**
 * The attributions the pointing-game runs save (`--contrast`, `--dev`, `--folds`), read once per file
 * and turned back into the explain stage's own shapes, so that every report section ranks, leads and
 * contrasts them with the library's functions (src/explain), not with copies of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type RegionAttribution } from '../../../src/explain/index.js';
import { contrastToBaseline, importanceLead, regionBaselineOf } from '../../../src/explain/engine/index.js';
import { defaultFillSigma } from '../../../src/explain/engine/fill.js';
import { REGION_NAMES, type RegionName } from '../../../src/face/regions.js';
import type { SignName } from '../../../src/simulate/index.js';

/** One explained photo as a run saves it. */
export interface SavedAttribution {
  score: number;
  /** Score with each region masked. */
  masked: Record<RegionName, number>;
  /** Score with every region masked (runs since the development split). */
  allMasked?: number;
  /** Score with every region masked but this one (`--dev` only). */
  kept?: Record<RegionName, number>;
}

/** A run's saved attributions: the explained phantoms and the normal faces (training side, unmodified). */
export interface SavedRun {
  phantoms: SavedAttribution[];
  controls: SavedAttribution[];
}

const cache = new Map<string, SavedRun | undefined>();

/** The saved run in `file` (parsed once), or undefined when that run was not made. */
export function readSaved(file: string): SavedRun | undefined {
  if (!cache.has(file))
    cache.set(file, existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SavedRun) : undefined);
  return cache.get(file);
}

/** A saved attribution in the shape the explain stage's functions take (importance order). */
export function asAttribution(a: SavedAttribution): RegionAttribution {
  const regions = REGION_NAMES.map((region) => ({
    region,
    label: region,
    importance: a.score - a.masked[region],
    maskedScore: a.masked[region],
    rank: 0,
    pixels: 0,
  })).sort((x, y) => y.importance - x.importance);
  regions.forEach((r, i) => (r.rank = i + 1));
  const none = { allMaskedScore: NaN, explained: NaN, sumOfImportances: NaN };
  return {
    method: 'region-masking',
    score: a.score,
    regions,
    together: none,
    reference: '',
    rankedBy: 'importance',
    lead: importanceLead(a.score, regions),
  };
}

/**
 * The run's phantoms ranked by contrast to its normal faces, as `endoface explain --baseline` ranks
 * them (the proof's screens: bundle `<sign>@0.0.0`, the default fill).
 */
export function contrastRanked(run: SavedRun, sign: SignName): RegionAttribution[] {
  return contrastRankedAttributions(run.phantoms.map(asAttribution), run.controls.map(asAttribution), sign);
}

/** Phantoms' attributions ranked by contrast to the normal faces' attributions (any region method). */
export function contrastRankedAttributions(
  phantoms: readonly RegionAttribution[],
  controls: readonly RegionAttribution[],
  sign: SignName,
): RegionAttribution[] {
  const settings = {
    screen: sign,
    explainedClass: sign,
    bundle: `${sign}@0.0.0`,
    fill: { detail: 'mean-face', sigmaPx: defaultFillSigma(224) },
  };
  const baseline = regionBaselineOf(controls, settings);
  return phantoms.map((p) => contrastToBaseline(p, baseline, settings));
}

/** What a ranking follows, per region: contrast when ranked by contrast, else importance. */
export function rankingValues(a: RegionAttribution): { region: RegionName; value: number }[] {
  return a.regions.map((r) => ({ region: r.region, value: r.contrast ?? r.importance }));
}
