/**
 * The ways of training a pointing-game screen that research/pointing-game/proof-pointing-game-screens.ts compares:
 * the proof's own (logistic, C by nested CV grouped by identity, Platt), the penalty fixed, and the
 * training photos also shown with each region masked in turn, with the same label.
 */
import { REGION_NAMES } from '../../../src/face/regions.js';
import type { FeatureReference } from '../../../src/explain/engine/index.js';
import type { FeatureSetName } from '../../../src/features/index.js';
import {
  matrixColumns,
  stackRows,
  trainScreen,
  type Matrix64,
  type NormativeModel,
  type SerializedPipeline,
  type TrainScreenOptions,
} from '../../../src/model/index.js';
import type { SignName } from '../../../src/simulate/index.js';
import { maskedMatrix, unmaskedMatrix, type MaskedPhoto } from './pointing-game-masked.js';

/** A sign's training side of a split. */
export interface Training {
  sets: FeatureSetName[];
  sign: SignName;
  /** The sign's phantoms of the training identities, then their unmodified photos. */
  rows: MaskedPhoto[];
  controls: MaskedPhoto[];
  normative: NormativeModel;
  /** Each photo's reference for masked hand-crafted features (the normative medians of its stratum). */
  reference: (p: MaskedPhoto) => FeatureReference;
}

export interface Variant {
  name: string;
  train: (t: Training) => SerializedPipeline;
}

const R = REGION_NAMES.length;
/** The saved perturbations that mask one region each. */
const ONE_REGION = REGION_NAMES.map((_, r) => r + 1);

/** Trains as the proof does (nested CV over C, Platt) on the given rows. */
function fit(
  t: Training,
  X: Matrix64,
  rows: readonly MaskedPhoto[],
  options: Omit<TrainScreenOptions, 'columns' | 'classes'> = {},
): SerializedPipeline {
  return trainScreen(
    X,
    rows.map((p) => (p.label === 'control' ? 0 : 1)),
    rows.map((p) => p.subjectId),
    { columns: matrixColumns(t.sets), classes: ['control', t.sign], seed: 0, ...options },
  ).model;
}

/**
 * The training photos plus a region-masked copy of each chosen photo per region (same label, weight
 * `w` per copy). Classes are balanced on the weights (each class's weights sum to the same), as
 * `classWeight: 'balanced'` does for unweighted rows; the standardiser and the inner CV's AUC that
 * choose C still count every row once.
 */
function maskedAugmentation(which: 'controls' | 'all', w: number) {
  return (t: Training): SerializedPipeline => {
    const copied = which === 'all' ? t.rows : t.controls;
    const rows = [...t.rows, ...copied.flatMap((p) => ONE_REGION.map(() => p))];
    const X = stackRows([
      unmaskedMatrix(t.rows, t.sets),
      ...copied.map((p) => maskedMatrix(p, t.sets, t.reference(p), ONE_REGION)),
    ]);
    const weight = [...t.rows.map(() => 1), ...copied.flatMap(() => ONE_REGION.map(() => w))];
    const total = [0, 0];
    rows.forEach((p, i) => (total[p.label === 'control' ? 0 : 1] += weight[i]));
    const balanced = rows.map(
      (p, i) => (weight[i] * (total[0] + total[1])) / 2 / total[p.label === 'control' ? 0 : 1],
    );
    return fit(t, X, rows, { classWeight: 'none', sampleWeight: balanced });
  };
}

export const VARIANTS: Variant[] = [
  {
    name: "the proof's screen (C by nested CV)",
    train: (t) => fit(t, unmaskedMatrix(t.rows, t.sets), t.rows),
  },
  ...[0.001, 1].map((C) => ({
    name: `C fixed at ${C}`,
    train: (t: Training) => fit(t, unmaskedMatrix(t.rows, t.sets), t.rows, { grid: { C: [C] } }),
  })),
  { name: `normal faces also masked (1/${R} weight per copy)`, train: maskedAugmentation('controls', 1 / R) },
  { name: 'normal faces also masked (full weight per copy)', train: maskedAugmentation('controls', 1) },
  { name: `every training photo also masked (1/${R} weight)`, train: maskedAugmentation('all', 1 / R) },
];
