/**
 * What a screen's decision is worth when some of its features are missing on a photo (colour on a
 * greyscale photo, a pose-sensitive measure on a turned head). The pipeline fills a missing value
 * with the training mean (standardize.ts); that is a guess, and for a screen that leans on the
 * missing features it can decide the result: a greyscale photo given the training mean's skin
 * colour moved Cushing's screens across the threshold. So the photo is scored again with the
 * missing features drawn from their training distribution, and when the decision changes in more
 * than a small share of the draws, the screen's result is withheld instead of reported.
 *
 * The draws are a sensitivity check, not a posterior: each feature comes from its own training mean
 * and SD, independently and ignoring what the observed features say, so the spread can be wider
 * (observed features would narrow it) or narrower (correlated features, such as neighbouring colour
 * cells, move together) than the truth. A column that was constant or never observed in training
 * (scale exactly 1, see standardize.ts) carries no information and is not drawn: the mean fill is
 * then exact for a logistic head, and drawing it would only add noise.
 */
import { percentileSorted } from '../stats/index.js';
import { createRandom, normalDraw } from '../stats/index.js';
import type { Matrix } from './matrix.js';
import type { FittedPipeline } from './pipeline.js';

/** Draws of the missing features per photo (the share of changed decisions is known to ± 1.1 points at 5 %). */
const DRAWS = 400;
/** The decision must hold in at least this share of the draws. */
const STABLE_SHARE = 0.95;

/**
 * A screen's decision rule on a row of class probabilities, as the index of the decided class:
 * binary, the positive class at or above the threshold; multi-class, the most probable.
 */
export function decisionRule(screen: {
  classes: readonly string[];
  threshold: { value: number };
}): (probabilities: ArrayLike<number>) => number {
  if (screen.classes.length === 2) return (q) => Number(q[1] >= screen.threshold.value);
  return (q) => Array.from(q).indexOf(Math.max(...Array.from(q)));
}

/** How a screen's result on one photo depends on its missing features. */
export interface MissingFeatureCheck {
  /** The screen's columns that are missing (NaN) on this photo (those that varied in training). */
  missing: string[];
  /** Share of the draws whose decision equals the decision with the training means. */
  agreement: number;
  /** The 5th and 95th percentiles of the positive class's probability over the draws (binary screens). */
  probabilityRange?: [number, number];
  /** `agreement` ≥ 95 %: the decision does not hinge on the missing features. */
  stable: boolean;
}

/**
 * Checks one photo's row (in the pipeline's column order) against its missing features. `decide`
 * turns a row of class probabilities into the decision (the screen's threshold rule). Undefined
 * when nothing is missing. Seeded: the same photo always gets the same draws.
 */
export function checkMissingFeatures(
  pipeline: FittedPipeline,
  row: ArrayLike<number>,
  decide: (probabilities: ArrayLike<number>) => number,
  seed = 1,
): MissingFeatureCheck | undefined {
  const cols = pipeline.columns.length;
  const { mean, scale } = pipeline.standardizer;
  const missing: number[] = [];
  for (let j = 0; j < cols; j++) if (Number.isNaN(row[j]) && scale[j] !== 1) missing.push(j);
  if (missing.length === 0) return undefined;
  const random = createRandom(seed);
  const X: Matrix = { rows: DRAWS + 1, cols, data: new Float64Array((DRAWS + 1) * cols) };
  for (let d = 0; d <= DRAWS; d++) {
    X.data.set(row, d * cols);
    // Row 0 keeps NaN (the pipeline's own mean fill); the others draw each missing feature.
    if (d > 0) for (const j of missing) X.data[d * cols + j] = mean[j] + scale[j] * normalDraw(random);
  }
  const proba = pipeline.predictProba(X, pipeline.columns);
  const k = proba.cols;
  const at = (d: number) => proba.data.subarray(d * k, (d + 1) * k);
  const reference = decide(at(0));
  let same = 0;
  const positive: number[] = [];
  for (let d = 1; d <= DRAWS; d++) {
    if (decide(at(d)) === reference) same++;
    if (k === 2) positive.push(at(d)[1]);
  }
  positive.sort((a, b) => a - b);
  const agreement = same / DRAWS;
  const probabilityRange: [number, number] | undefined =
    k === 2 ? [percentileSorted(positive, 5), percentileSorted(positive, 95)] : undefined;
  return {
    missing: missing.map((j) => pipeline.columns[j]),
    agreement,
    ...(probabilityRange ? { probabilityRange } : {}),
    stable: agreement >= STABLE_SHARE,
  };
}
