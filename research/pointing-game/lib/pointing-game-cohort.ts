/**
 * A sign's phantoms and controls split by identity, and the screen trained on the training side:
 * shared by research/pointing-game/proof-pointing-game.ts (pixel masking, replays) and
 * research/pointing-game/proof-pointing-game-cli.ts (the explainer end to end).
 */
import type { FaceFeatures, FeatureSetName } from '../../../src/features/index.js';
import { featureMatrix, fitNormativeModel, matrixColumns, trainScreen } from '../../../src/model/index.js';
import type { SignName } from '../../../src/simulate/index.js';
import { sexOf, type PhantomRow } from '../../../tools/lib/phantom-cohorts.js';
import { bundleOf } from './pointing-game-screen.js';
import type { Split } from './pointing-game-splits.js';

/** A sign's usable photos (a face, quality not rejected) on each side of a split, with the training side's normative model. */
export function splitCohort(rows: readonly PhantomRow[], byFile: Map<string, FaceFeatures>, split: Split) {
  const usable = rows.filter(
    (r) => byFile.get(r.file)?.faceCount && byFile.get(r.file)!.quality.status !== 'reject',
  );
  const [inA, inB] = [split.A, split.B].map((s) => new Set(s.map((p) => p.subjectId)));
  const train = usable.filter((r) => inA.has(r.subjectId));
  const heldOut = usable.filter((r) => inB.has(r.subjectId));
  const normative = fitNormativeModel(
    train
      .filter((r) => r.label === 'control')
      .map((r) => ({
        sex: sexOf(r.sex),
        age: r.age,
        morphometrics: byFile.get(r.file)!.sets.morphometrics!,
        colour: byFile.get(r.file)!.sets.colour!,
      })),
    { minStratumSize: 30 },
  );
  return { byFile, usable, train, heldOut, normative };
}
export type SignCohort = ReturnType<typeof splitCohort>;

/** Trains a sign's screen on the training side (grouped by identity: a phantom and its control are one subject). */
export function trainSignScreen(sign: SignName, sets: FeatureSetName[], c: SignCohort) {
  const X = featureMatrix(
    c.train.map((r) => c.byFile.get(r.file)!),
    sets,
  );
  const trained = trainScreen(
    X,
    c.train.map((r) => (r.label === 'control' ? 0 : 1)),
    c.train.map((r) => r.subjectId),
    { columns: matrixColumns(sets), classes: ['control', sign], seed: 0 },
  );
  return { trained, bundle: bundleOf(sign, sets, trained.model, c.normative) };
}
