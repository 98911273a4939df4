/**
 * Region attribution: how much each named facial region (src/face/regions.ts) moves a screen's
 * score, by masking it — the occlusion method of Zeiler & Fergus (ECCV 2014) applied to anatomical
 * regions instead of a grid, with a face-like fill for the descriptor network (fill.ts) and the
 * hand-crafted features neutralised towards a reference (perturb.ts).
 */
import { REGION_NAMES, REGIONS, type RegionName } from '../face/regions.js';
import type { Matrix64 } from '../model/index.js';
import type { DescriptorRunner } from './descriptor-runner.js';
import { importanceLead, unreadableLead, type RankingLead } from './lead.js';
import {
  perturbedFeatureRows,
  regionsMask,
  scoreRows,
  type ExplainTarget,
  type Perturbation,
  type PreparedFace,
} from './perturb.js';

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
  method: 'region-masking';
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
export function attributionFromScores(face: PreparedFace, scores: ArrayLike<number>): RegionAttribution {
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
    method: 'region-masking',
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
 * Region attribution of one prepared face: the signed change in the score when each region is
 * masked (importance = score(original) − score(masked); positive = the region pushes towards the
 * explained class), plus the change when all regions are masked together: 16 feature rows (the
 * face, each of the 14 regions, all regions), 15 descriptor passes through `runner`.
 *
 * @returns the attribution and the feature rows behind it (reused by the sanity checks, which score
 *   the same rows with a randomised screen)
 */
export async function attributeRegions(
  target: ExplainTarget,
  face: PreparedFace,
  runner?: DescriptorRunner,
): Promise<{ attribution: RegionAttribution; rows: Matrix64 }> {
  const rows = await perturbedFeatureRows(target, face, regionPerturbations(face), runner);
  const attribution = attributionFromScores(face, scoreRows(target, rows));
  if (target.pipeline.calibrator.method === 'isotonic') {
    // Stepped scores (exactly 0 or 1 on whole stretches) make logit differences 0 or ±41: no lead to read.
    attribution.lead = unreadableLead(
      attribution.lead,
      'isotonic calibration: stepped scores have no meaningful logit, so the lead is not read',
    );
  }
  return { attribution, rows };
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
