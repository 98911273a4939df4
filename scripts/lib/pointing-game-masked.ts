/**
 * Region masking split into its screen-independent part, saved per photo, so that any screen can be
 * explained again in seconds. The costly part of `attributeRegions` is the descriptor network on
 * each masked crop (the region inpainted by the explainer's fill); it does not depend on the screen.
 * The hand-crafted features are cheap to replay: their originals and each perturbation's region
 * coverage are saved, and `neutraliseHandCrafted` moves them towards whatever reference the screen's
 * bundle gives (each split fits its own normative model).
 *
 * Saved under `<dir>/<sign or controls>/<photo>.f32` (descriptor rows, float32, one per perturbation
 * of `regionPerturbations`: unmasked, each region alone, all regions) with a `.json` beside it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  explainTarget,
  featureReference,
  neutraliseHandCrafted,
  perturbedImage,
  prepareFace,
  regionCoverage,
  regionPerturbations,
  type ExplainTarget,
} from '../../src/explain/index.js';
import type { DescriptorRunner } from '../../src/explain/descriptor-runner.js';
import { analyzeFace } from '../../src/face/index.js';
import {
  featureMatrix,
  FittedPipeline,
  matrixColumns,
  type Bundle,
  type Matrix64,
  type NormativeModel,
  type SerializedPipeline,
} from '../../src/model/index.js';
import type { FaceFeatures, FeatureSetName } from '../../src/features/index.js';
import type { PhantomRow } from './phantom-cohorts.js';
import { bundleOf } from './pointing-game-screen.js';

/** The descriptor whose masked rows are saved (the proof's first two screens use it or nothing). */
export const MASKED_DESCRIPTOR = 'faceres';
const SETS: FeatureSetName[] = [MASKED_DESCRIPTOR, 'morphometrics', 'colour'];

/** One photo's saved masking. */
export interface MaskedPhoto {
  subjectId: string;
  label: string;
  sex?: 'female' | 'male';
  age?: number;
  /** Descriptor rows, one per perturbation (unmasked first, all regions last). */
  descriptorRows: Float32Array[];
  /** Per perturbation, the share of each region's pixels hidden (null: unmasked). */
  coverage: (number[] | null)[];
  morphometrics: Float64Array;
  colour: Float64Array;
}

const fileOf = (dir: string, group: string, row: PhantomRow): string =>
  join(dir, group, basename(row.file, '.jpg'));
const sexOf = (s?: string): 'female' | 'male' | undefined => (s === 'female' || s === 'male' ? s : undefined);

/**
 * A target whose screen uses the saved sets. Preparing a face needs a bundle only for the features'
 * reference, which is not saved (it is the split's, applied on replay); the default bundle serves.
 */
function preparingTarget(bundle: Bundle): ExplainTarget {
  const screen = bundle.metadata.screens.find((s) => s.featureSets.includes(MASKED_DESCRIPTOR));
  if (!screen) throw new Error(`the bundle has no screen on ${MASKED_DESCRIPTOR}`);
  const t = explainTarget(bundle, screen.name);
  return { ...t, screen: { ...t.screen, featureSets: SETS }, columns: matrixColumns(SETS) };
}

/** Saves the masking of every row not saved yet (`group`: the sign, or `controls`). Returns how many were made. */
export async function saveMaskedRows(
  dir: string,
  group: string,
  rows: readonly PhantomRow[],
  bundle: Bundle,
  runner: DescriptorRunner,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<number> {
  mkdirSync(join(dir, group), { recursive: true });
  const target = preparingTarget(bundle);
  let made = 0;
  for (const [i, row] of rows.entries()) {
    const out = fileOf(dir, group, row);
    if (!existsSync(`${out}.json`)) {
      const face = await prepareFace(bundle, target, await analyzeFace(row.file), {
        sex: sexOf(row.sex),
        age: row.age,
      }).catch((e: Error) => e);
      if (face instanceof Error) {
        writeFileSync(`${out}.json`, JSON.stringify({ failed: face.message }));
        continue;
      }
      const perturbations = regionPerturbations(face);
      const masked = await runner.run(
        MASKED_DESCRIPTOR,
        perturbations.slice(1).map((p) => perturbedImage(face, p)),
      );
      const rowsOut = [Float32Array.from(face.features[MASKED_DESCRIPTOR]!), ...masked];
      const buf = new Float32Array(rowsOut.length * rowsOut[0].length);
      rowsOut.forEach((r, k) => buf.set(r, k * r.length));
      writeFileSync(`${out}.f32`, Buffer.from(buf.buffer));
      writeFileSync(
        `${out}.json`,
        JSON.stringify({
          subjectId: row.subjectId,
          label: row.label,
          sex: sexOf(row.sex),
          age: row.age,
          quality: face.analysis.quality.status,
          dims: rowsOut[0].length,
          coverage: perturbations.map((p) => (p === null ? null : [...regionCoverage(face, p.mask)])),
          morphometrics: [...face.features.morphometrics!],
          colour: [...face.features.colour!],
        }),
      );
      made++;
    }
    onProgress(i + 1, rows.length);
  }
  return made;
}

/** A photo's saved masking, or undefined when it was not saved (or no face was found). */
export function readMaskedPhoto(dir: string, group: string, row: PhantomRow): MaskedPhoto | undefined {
  const out = fileOf(dir, group, row);
  if (!existsSync(`${out}.json`)) return undefined;
  const meta = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as Record<string, unknown>;
  // As the proof's cohorts: photos without a face or with a rejected quality are not explained.
  if (meta.failed !== undefined || meta.quality === 'reject') return undefined;
  const bytes = readFileSync(`${out}.f32`);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const dims = meta.dims as number;
  return {
    subjectId: meta.subjectId as string,
    label: meta.label as string,
    sex: meta.sex as MaskedPhoto['sex'],
    age: meta.age as number | undefined,
    descriptorRows: Array.from({ length: all.length / dims }, (_, k) =>
      all.subarray(k * dims, (k + 1) * dims),
    ),
    coverage: meta.coverage as MaskedPhoto['coverage'],
    morphometrics: Float64Array.from(meta.morphometrics as number[]),
    colour: Float64Array.from(meta.colour as number[]),
  };
}

/** The unmasked features of saved photos, as the screens train on them. */
export function unmaskedMatrix(photos: readonly MaskedPhoto[], sets: FeatureSetName[]): Matrix64 {
  return featureMatrix(
    photos.map((p) => asFeatures(p, 0, null)),
    sets,
  );
}

/**
 * A photo's feature rows under every saved perturbation, the hand-crafted sets neutralised towards
 * the reference the screen's bundle (its normative model of the split's normal faces) gives.
 */
export function maskedMatrix(
  p: MaskedPhoto,
  sets: FeatureSetName[],
  model: SerializedPipeline,
  normative: NormativeModel,
): Matrix64 {
  const reference = featureReference(
    bundleOf('replay', sets, model, normative),
    FittedPipeline.fromJSON(model),
    p,
  );
  return featureMatrix(
    p.descriptorRows.map((_, k) => asFeatures(p, k, reference)),
    sets,
  );
}

function asFeatures(
  p: MaskedPhoto,
  k: number,
  reference: { morphometrics: ArrayLike<number>; colour: ArrayLike<number> } | null,
): Pick<FaceFeatures, 'sets'> {
  const c = reference ? p.coverage[k] : null;
  const sets = {
    [MASKED_DESCRIPTOR]: Float64Array.from(p.descriptorRows[k]),
    morphometrics: neutraliseHandCrafted('morphometrics', p.morphometrics, reference?.morphometrics ?? [], c),
    colour: neutraliseHandCrafted('colour', p.colour, reference?.colour ?? [], c),
  };
  return { sets };
}
