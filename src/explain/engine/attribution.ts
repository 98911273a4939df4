/**
 * Region attribution: how much each named facial region (src/face/regions.ts) moves a screen's
 * score, by masking it — the occlusion method of Zeiler & Fergus (ECCV 2014) applied to anatomical
 * regions instead of a grid, with a face-like fill for the descriptor network (fill.ts) and the
 * hand-crafted features neutralised towards a reference (perturb.ts). The descriptor networks can
 * instead have the region occluded inside them (feature-occlusion.ts), or both ways averaged.
 */
import { EndofaceError } from '../../core/index.js';
import { REGION_NAMES, REGIONS, type RegionName } from '../../face/index.js';
import type { Matrix64 } from '../../model/index.js';
import { sigmoid } from '../../model/index.js';
import { lookUpOption } from '../../util/index.js';
import type { DescriptorRunner } from './descriptor-runner.js';
import { cropGroupDescriptors, isOccludable } from './feature-occlusion.js';
import { importanceLead, logitImportance, scoreLogit, unreadableLead, type RankingLead } from './lead.js';
import { referenceMap, type LayerReference } from './layer-reference.js';
import {
  perturbedFeatureRows,
  regionsMask,
  scoreRows,
  type ExplainTarget,
  type Perturbation,
  type PreparedFace,
} from './perturb.js';

/**
 * How a region is hidden from the descriptor networks: `pixel` — its pixels inpainted and the whole
 * network rerun; `feature` — its cells of the network's feature map moved to normal faces' mean
 * (feature-occlusion.ts; networks without such a layer, and the colour layout, still see pixels
 * masked); `combined` — the two logit importances averaged. Hand-crafted features are neutralised
 * the same way in all three.
 */
export const REGION_METHODS = ['pixel', 'feature', 'combined'] as const;
export type RegionMethod = (typeof REGION_METHODS)[number];

/** What `RegionAttribution.method` says for each region method. */
const METHOD_NAMES = {
  pixel: 'region-masking',
  feature: 'feature-occlusion',
  combined: 'region-masking+feature-occlusion',
} as const satisfies Record<RegionMethod, string>;

/** How regions are hidden, and the normal faces' mean feature map that feature occlusion needs. */
export interface RegionSettings {
  /** Default `pixel` (the explainer's default is {@link regionMethodFor}'s choice). */
  method?: RegionMethod;
  /** Required by `feature` and `combined`. */
  layerReference?: LayerReference;
}

/** The feature rows behind an attribution, per way of hiding a region (one set per method used). */
export interface RegionRows {
  pixel?: Matrix64;
  feature?: Matrix64;
}

/** One region's share of the score. */
export interface RegionImportance {
  region: RegionName;
  label: string;
  /** score(original) − score(region masked): > 0 when the region pushes towards the explained class. */
  importance: number;
  /** The score with this region masked. */
  maskedScore: number;
  /** 1 = most important (largest importance). */
  rank: number;
  /** Crop pixels of the region on this face (0 when it is not visible). */
  pixels: number;
  /**
   * With a baseline of normal faces (baseline.ts): logit(score) − logit(maskedScore) minus what
   * masking this region does on normal faces. The ranking then follows it.
   */
  contrast?: number;
}

/** The result of {@link attributeRegions}. */
export interface RegionAttribution {
  method: (typeof METHOD_NAMES)[RegionMethod];
  /** The explained class's probability on the unmasked face. */
  score: number;
  /** Every region, most important first. */
  regions: RegionImportance[];
  /** How much of the score the regions explain together. */
  together: {
    /** The score with every region masked at once. */
    allMaskedScore: number;
    /** score − allMaskedScore. */
    explained: number;
    /** Σ importance over regions; equals `explained` for an additive screen, differs with interactions. */
    sumOfImportances: number;
  };
  /** Where masked hand-crafted features were moved to (`normative:<stratum>` or `training-mean`). */
  reference: string;
  /** What the ranking follows: `importance`, or `contrast` to normal faces when a baseline was given. */
  rankedBy: 'importance' | 'contrast';
  /** The baseline of normal faces behind `contrast`. */
  baseline?: { method: string; n: number };
  /** The normal faces whose mean feature map occluded regions inside the networks (feature occlusion). */
  layerReference?: { source: string; n: number };
  /**
   * How clearly the first region leads the ranking (lead.ts): on the logit scale, over the best region
   * outside its left/right pair; `decisive` explanations pointed at the changed region far more often.
   */
  lead: RankingLead;
}

/** The perturbations of a region attribution: the face, each region alone, then every region. */
export function regionPerturbations(face: PreparedFace): Perturbation[] {
  const all = REGION_NAMES.map((_, r) => r);
  return [
    null,
    ...all.map((r) => ({ mask: regionsMask(face, [r]), source: 'face' as const })),
    { mask: regionsMask(face, all), source: 'face' as const },
  ];
}

/** Builds the attribution from the scores of {@link regionPerturbations} (any pipeline's scores). */
export function attributionFromScores(
  face: Pick<PreparedFace, 'regionPixels'> & { reference: { source: string } },
  scores: ArrayLike<number>,
): RegionAttribution {
  const score = scores[0];
  const allMaskedScore = scores[REGION_NAMES.length + 1];
  const regions = REGION_NAMES.map((region, r) => ({
    region,
    label: REGIONS[region].label,
    importance: score - scores[r + 1],
    maskedScore: scores[r + 1],
    rank: 0,
    pixels: face.regionPixels[r],
  }));
  regions.sort((a, b) => b.importance - a.importance);
  regions.forEach((x, i) => (x.rank = i + 1));
  return {
    method: METHOD_NAMES.pixel,
    score,
    regions,
    together: {
      allMaskedScore,
      explained: score - allMaskedScore,
      sumOfImportances: regions.reduce((s, x) => s + x.importance, 0),
    },
    reference: face.reference.source,
    rankedBy: 'importance',
    // Ranked by probability importance, led on the logit scale (the same order: both follow the masked score).
    lead: importanceLead(score, regions),
  };
}

/**
 * The attribution of a face from its feature rows, with `target`'s screen (or another pipeline's:
 * the model-randomisation test rescores the same rows): one method's rows, or both averaged.
 */
export function attributionFromRows(
  target: ExplainTarget,
  face: PreparedFace,
  rows: RegionRows,
): RegionAttribution {
  const of = (m: Matrix64 | undefined, method: RegionAttribution['method']) =>
    m && { ...attributionFromScores(face, scoreRows(target, m)), method };
  const pixel = of(rows.pixel, METHOD_NAMES.pixel);
  const feature = of(rows.feature, METHOD_NAMES.feature);
  if (pixel && feature) return combineAttributions(pixel, feature);
  const one = pixel ?? feature;
  if (!one)
    throw new EndofaceError('invalid_input', 'an attribution needs the rows of at least one method', {});
  return one;
}

/**
 * Pixel masking and feature occlusion averaged on the logit scale: each region's masked score is
 * the one whose logit importance is the mean of the two methods' (and so for all regions at once).
 * Probability importances would weigh the two by where the score saturates; logits do not.
 */
export function combineAttributions(pixel: RegionAttribution, feature: RegionAttribution): RegionAttribution {
  const score = pixel.score;
  const masked = (a: RegionAttribution, region: RegionName) =>
    a.regions.find((r) => r.region === region)!.maskedScore;
  const mean = (p: number, f: number) =>
    sigmoid(scoreLogit(score) - (logitImportance(score, p) + logitImportance(score, f)) / 2);
  const scores = [
    score,
    ...REGION_NAMES.map((r) => mean(masked(pixel, r), masked(feature, r))),
    mean(pixel.together.allMaskedScore, feature.together.allMaskedScore),
  ];
  const pixels = new Map(pixel.regions.map((r) => [r.region, r.pixels]));
  const face = {
    regionPixels: Int32Array.from(REGION_NAMES, (r) => pixels.get(r) ?? 0),
    reference: { source: pixel.reference },
  };
  return { ...attributionFromScores(face, scores), method: METHOD_NAMES.combined };
}

/** The perturbations' descriptor rows by feature occlusion, for every network that has a layer for it. */
async function featureOccludedRows(
  target: ExplainTarget,
  face: PreparedFace,
  reference: LayerReference,
): Promise<Partial<Record<string, ArrayLike<number>[]>>> {
  const all = REGION_NAMES.map((_, r) => r);
  const groups = [...all.map((r) => [r]), all];
  const out: Partial<Record<string, ArrayLike<number>[]>> = {};
  for (const set of target.screen.featureSets.filter(isOccludable)) {
    const occluded = await cropGroupDescriptors(
      set,
      face.aligned.image,
      face.labels,
      referenceMap(reference, set),
      groups,
    );
    out[set] = [face.features[set]!, ...occluded];
  }
  return out;
}

/**
 * The region method, checked against the screen. Without one: `combined` when the screen reads a
 * network feature occlusion can enter and its scores have a logit (not isotonic), else `pixel` —
 * on the pointing game (research/feature-occlusion/experiment-feature-occlusion.md) combined ranked the changed region
 * first more often than pixel masking on both splits, with or without a baseline.
 *
 * @throws `invalid_option` for an unknown method, or `combined` on an isotonic-calibrated screen;
 *   `unsupported_feature_set` when `feature`/`combined` is asked of a screen with no network to
 *   occlude inside
 */
export function regionMethodFor(target: ExplainTarget, method?: string): RegionMethod {
  const sets = target.screen.featureSets;
  if (method === undefined)
    return sets.some(isOccludable) && target.pipeline.calibrator.method !== 'isotonic' ? 'combined' : 'pixel';
  const chosen = lookUpOption('region method', method, REGION_METHODS);
  if (chosen === 'pixel') return chosen;
  if (!sets.some(isOccludable))
    throw new EndofaceError(
      'unsupported_feature_set',
      `region method "${chosen}" occludes regions inside a descriptor network, and screen "${target.screen.name}" has none (${sets.join(', ')}); use the pixel method`,
      { set: sets.join(','), method: chosen },
    );
  if (chosen === 'combined' && target.pipeline.calibrator.method === 'isotonic')
    throw new EndofaceError(
      'invalid_option',
      `screen "${target.screen.name}" is calibrated by isotonic regression, whose stepped scores have no meaningful logit to average; use the pixel or feature method`,
      { parameter: 'regionMethod', screen: target.screen.name },
    );
  return chosen;
}

/**
 * Region attribution of one prepared face: the signed change in the score when each region is
 * hidden (importance = score(original) − score(hidden); positive = the region pushes towards the
 * explained class), plus the change when all regions are hidden together: 16 feature rows per
 * method (the face, each of the 14 regions, all regions). Pixel masking costs 15 descriptor passes
 * through `runner`; feature occlusion one pass to the layer and 15 through the rest, per network.
 *
 * @returns the attribution and the feature rows behind it (reused by the sanity checks, which score
 *   the same rows with a randomised screen): `rows` the first method's, `rowSets` every method's
 */
export async function attributeRegions(
  target: ExplainTarget,
  face: PreparedFace,
  runner?: DescriptorRunner,
  settings?: RegionSettings,
): Promise<{ attribution: RegionAttribution; rows: Matrix64; rowSets: RegionRows }> {
  const method = regionMethodFor(target, settings?.method ?? 'pixel');
  const layerReference = settings?.layerReference;
  if (method !== 'pixel' && !layerReference)
    throw new EndofaceError(
      'invalid_option',
      `region method "${method}" needs the mean feature map of normal faces (layerReference)`,
      { parameter: 'layerReference' },
    );
  const perturbations = regionPerturbations(face);
  const rowSets: RegionRows = {};
  if (method !== 'feature') rowSets.pixel = await perturbedFeatureRows(target, face, perturbations, runner);
  if (method !== 'pixel')
    rowSets.feature = await perturbedFeatureRows(
      target,
      face,
      perturbations,
      runner,
      await featureOccludedRows(target, face, layerReference!),
    );
  const attribution = attributionFromRows(target, face, rowSets);
  if (method !== 'pixel')
    attribution.layerReference = { source: layerReference!.source, n: layerReference!.n };
  if (target.pipeline.calibrator.method === 'isotonic') {
    // Stepped scores (exactly 0 or 1 on whole stretches) make logit differences 0 or ±41: no lead to read.
    attribution.lead = unreadableLead(
      attribution.lead,
      'isotonic calibration: stepped scores have no meaningful logit, so the lead is not read',
    );
  }
  return { attribution, rows: (rowSets.pixel ?? rowSets.feature)!, rowSets };
}

/**
 * What the ranking follows, in REGION_NAMES order: `contrast` when the attribution was ranked by
 * contrast to normal faces, else `importance` (cohort summaries and the agreement with experts use
 * it, so they agree with the per-photo ranking).
 */
export function rankingVector(a: RegionAttribution): Float64Array {
  if (a.rankedBy !== 'contrast') return importanceVector(a);
  const by = new Map(a.regions.map((r) => [r.region, r.contrast!]));
  return Float64Array.from(REGION_NAMES, (r) => by.get(r)!);
}

/** Importances in REGION_NAMES order (for correlations between two attributions). */
export function importanceVector(a: RegionAttribution): Float64Array {
  const by = new Map(a.regions.map((r) => [r.region, r.importance]));
  return Float64Array.from(REGION_NAMES, (r) => by.get(r)!);
}
