/**
 * Sanity checks reported with every explanation:
 * - model randomisation (Adebayo et al., "Sanity checks for saliency maps", NeurIPS 2018): the
 *   screen's final layer is replaced by random weights and the region attribution recomputed; an
 *   explanation that hardly changes describes the image or the masking, not the model;
 * - the deletion curve (Petsiuk, Das & Saenko, "RISE", BMVC 2018): the score as regions are masked
 *   cumulatively, most important first versus in random order; a faithful ranking makes the score
 *   fall faster (smaller area under the curve) than chance.
 */
import { REGION_NAMES, type RegionName } from '../../face/index.js';
import { FittedPipeline, type Matrix64, type SerializedPipeline } from '../../model/index.js';
import { createRandom, type Random } from '../../stats/index.js';
import {
  attributionFromRows,
  importanceVector,
  type RegionAttribution,
  type RegionRows,
} from './attribution.js';
import { regionsMask, scorePerturbations, type ExplainTarget, type PreparedFace } from './perturb.js';
import type { DescriptorRunner } from './descriptor-runner.js';
import { kendallTauB, spearmanCorrcoef } from '../../stats/index.js';

/** Standard normal draws (Box–Muller) from the seeded generator. */
function gaussian(rng: Random): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

const sd = (v: readonly number[]): number => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) || 1;
};

/**
 * The pipeline with its final layer re-drawn: N(0, σ²) with σ the trained layer's own standard
 * deviation (logistic coefficients; each multinomial row; the MLP's output weights). The intercepts,
 * standardiser and calibrator are kept, so scores stay on the same scale.
 */
export function randomizeFinalLayer(pipeline: FittedPipeline, seed: number): FittedPipeline {
  const json = structuredClone(pipeline.toJSON()) as SerializedPipeline;
  const rng = createRandom(seed);
  const redraw = (w: number[]): number[] => {
    const s = sd(w);
    return w.map(() => s * gaussian(rng));
  };
  const e = json.estimator;
  if (e.type === 'logistic') e.coef = redraw(e.coef);
  else if (e.type === 'multinomial') e.coef = e.coef.map(redraw);
  else e.W2 = e.W2.map(redraw);
  return FittedPipeline.fromJSON(json);
}

/** Result of {@link modelRandomisationTest}. */
export interface RandomisationTest {
  method: 'model-randomisation';
  layer: 'final';
  draws: number;
  /** Spearman ρ between the original and each randomised region importance vector (null: undefined). */
  spearman: (number | null)[];
  /** Kendall τ-b of the same pairs. */
  kendall: (number | null)[];
  meanSpearman: number | null;
  /** The convention used here: the mean ρ is below 0.5 (explanations depend on the weights). */
  passed: boolean;
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Model-randomisation test on a region attribution: scores the attribution's own feature rows with
 * `draws` randomised screens (seeds seed, seed + 1, …) and correlates each importance vector with
 * the original. No network runs: the masked features are reused. `rows` are pixel masking's, or
 * every method's the attribution used (`attributeRegions`' `rowSets`).
 */
export function modelRandomisationTest(
  target: ExplainTarget,
  face: PreparedFace,
  attribution: RegionAttribution,
  rows: Matrix64 | RegionRows,
  options: { draws?: number; seed?: number } = {},
): RandomisationTest {
  const draws = options.draws ?? 10;
  const seed = options.seed ?? 1;
  const original = importanceVector(attribution);
  const rowSets: RegionRows = 'data' in rows ? { pixel: rows } : rows;
  const spearman: (number | null)[] = [];
  const kendall: (number | null)[] = [];
  for (let d = 0; d < draws; d++) {
    const randomised = { ...target, pipeline: randomizeFinalLayer(target.pipeline, seed + d) };
    const v = importanceVector(attributionFromRows(randomised, face, rowSets));
    const constant = v.every((x) => x === v[0]) || original.every((x) => x === original[0]);
    spearman.push(constant ? null : orNull(spearmanCorrcoef(original, v)));
    kendall.push(constant ? null : orNull(kendallTauB(original, v)));
  }
  const defined = spearman.filter((v): v is number => v !== null);
  const meanSpearman = defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
  return {
    method: 'model-randomisation',
    layer: 'final',
    draws,
    spearman,
    kendall,
    meanSpearman,
    passed: meanSpearman !== null && meanSpearman < 0.5,
  };
}

/** Result of {@link deletionCurve}. */
export interface DeletionCurve {
  method: 'deletion';
  /** Regions in the order removed, most important first. */
  order: RegionName[];
  /** Fraction of the 14 regions removed at each point (0, 1/14, …, 1). */
  fraction: number[];
  /** The score after removing the first k regions of `order`. */
  mostImportantFirst: number[];
  /** The same in random order, averaged over `randomOrders` seeded permutations. */
  random: number[];
  randomOrders: number;
  /** Trapezoid areas under the two curves (x = fraction): lower = the score falls faster. */
  auc: { mostImportantFirst: number; random: number };
  /** The ranking beats chance: auc.mostImportantFirst < auc.random. */
  passed: boolean;
}

const trapezoid = (x: number[], y: number[]): number =>
  x.slice(1).reduce((s, xi, i) => s + ((xi - x[i]) * (y[i + 1] + y[i])) / 2, 0);

/**
 * Deletion curve of a region attribution: the score with the k most important regions masked
 * (k = 0 … 14), against the same for random orders. Regions are always removed by pixel masking,
 * whichever method ranked them. For a pixel-masking attribution the end points and the
 * single-region masks come from it, and the 12 intermediate masks per order cost one descriptor
 * batch; otherwise all 14 are masked.
 */
export async function deletionCurve(
  target: ExplainTarget,
  face: PreparedFace,
  attribution: RegionAttribution,
  options: { randomOrders?: number; seed?: number; runner?: DescriptorRunner } = {},
): Promise<DeletionCurve> {
  const randomOrders = options.randomOrders ?? 1;
  const rng = createRandom(options.seed ?? 1);
  const n = REGION_NAMES.length;
  const byName = new Map(attribution.regions.map((r) => [r.region, r]));
  const index = (r: RegionName): number => REGION_NAMES.indexOf(r);
  const orders: number[][] = [attribution.regions.map((r) => index(r.region))];
  for (let k = 0; k < randomOrders; k++) {
    const perm = REGION_NAMES.map((_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    orders.push(perm);
  }
  // A pixel-masking attribution already has 1 and n regions masked: only 2 … n − 1 need new masks.
  const reuse = attribution.method === 'region-masking';
  const first = reuse ? 2 : 1;
  const count = reuse ? n - 2 : n;
  const masks = orders.flatMap((o) =>
    Array.from({ length: count }, (_, k) => ({
      mask: regionsMask(face, o.slice(0, k + first)),
      source: 'face' as const,
    })),
  );
  const scores = await scorePerturbations(target, face, masks, options.runner);
  const curves = orders.map((o, t) => {
    const masked = Array.from(scores.subarray(t * count, (t + 1) * count));
    return reuse
      ? [
          attribution.score,
          byName.get(REGION_NAMES[o[0]])!.maskedScore,
          ...masked,
          attribution.together.allMaskedScore,
        ]
      : [attribution.score, ...masked];
  });
  const fraction = Array.from({ length: n + 1 }, (_, k) => k / n);
  const random = fraction.map((_, k) => curves.slice(1).reduce((s, c) => s + c[k], 0) / randomOrders);
  const auc = { mostImportantFirst: trapezoid(fraction, curves[0]), random: trapezoid(fraction, random) };
  return {
    method: 'deletion',
    order: orders[0].map((r) => REGION_NAMES[r]),
    fraction,
    mostImportantFirst: curves[0],
    random,
    randomOrders,
    auc,
    passed: auc.mostImportantFirst < auc.random,
  };
}
