/**
 * Region masking split into its screen-independent part, saved per photo, so that screens can be
 * explained again without the network. The costly part of `attributeRegions` is the descriptor
 * network on each masked crop (the region inpainted by the explainer's default fill); it does not
 * depend on the screen. The hand-crafted features are cheap to replay: their originals and each
 * perturbation's region coverage are saved, and `neutraliseHandCrafted` moves them towards whatever
 * reference a split's normal faces give. Only screens on faceres, morphometrics and colour (or a
 * subset) can be replayed.
 *
 * Saved under `<dir>/<sign or controls>/<photo>.f32` (descriptor rows, float32, one per perturbation
 * of `regionPerturbations`: unmasked, each region alone, all regions) with a `.json` beside it that
 * records the software version and fill, so that stale rows are refused rather than reused.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { explainTarget, type ExplainTarget } from '../../../src/explain/index.js';
import {
  neutraliseHandCrafted,
  perturbedImage,
  prepareFace,
  regionCoverage,
  regionPerturbations,
  type FeatureReference,
} from '../../../src/explain/engine/index.js';
import type { DescriptorRunner } from '../../../src/explain/engine/descriptor-runner.js';
import { defaultFillSigma } from '../../../src/explain/engine/fill.js';
import { isEndofaceError } from '../../../src/core/errors.js';
import { analyzeFace } from '../../../src/face/index.js';
import { REGION_NAMES } from '../../../src/face/regions.js';
import type { FaceFeatures, FeatureSetName } from '../../../src/features/index.js';
import { featureMatrix, matrixColumns, type Bundle, type Matrix64 } from '../../../src/model/index.js';
import { SOFTWARE_VERSION } from '../../../src/core/version.js';
import { sexOf, type PhantomRow } from '../../../tools/lib/phantom-cohorts.js';

/** The descriptor whose masked rows are saved (the proof's first two screens use it or nothing). */
export const MASKED_DESCRIPTOR = 'faceres';
const SETS: FeatureSetName[] = [MASKED_DESCRIPTOR, 'morphometrics', 'colour'];
const PERTURBATIONS = REGION_NAMES.length + 2;

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

/** What the `.json` beside the rows holds. */
interface SavedMeta {
  software: string;
  fill: { detail: string; sigmaPx: number };
  subjectId: string;
  label: string;
  sex?: 'female' | 'male';
  age?: number;
  quality: string;
  dims: number;
  coverage: (number[] | null)[];
  morphometrics: number[];
  colour: number[];
}

const fileOf = (dir: string, group: string, row: PhantomRow): string =>
  join(dir, group, basename(row.file, '.jpg'));

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
      }).catch((e: unknown) => {
        // A photo without a face is recorded as such; anything else is a real failure.
        if (isEndofaceError(e) && e.code === 'no_face') return undefined;
        throw e;
      });
      if (face === undefined) {
        writeFileSync(`${out}.json`, JSON.stringify({ software: SOFTWARE_VERSION, failed: 'no_face' }));
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
      const meta: SavedMeta = {
        software: SOFTWARE_VERSION,
        fill: {
          detail: face.fill.detail ? 'mean-face' : 'none',
          sigmaPx: face.fill.sigmaPx ?? defaultFillSigma(face.aligned.image.width),
        },
        subjectId: row.subjectId,
        label: row.label,
        sex: sexOf(row.sex),
        age: row.age,
        quality: face.analysis.quality.status,
        dims: rowsOut[0].length,
        coverage: perturbations.map((p) => (p === null ? null : [...regionCoverage(face, p.mask)])),
        morphometrics: [...face.features.morphometrics!],
        colour: [...face.features.colour!],
      };
      writeFileSync(`${out}.json`, JSON.stringify(meta));
      made++;
    }
    onProgress(i + 1, rows.length);
  }
  return made;
}

/**
 * A photo's saved masking, or undefined when it was not saved, had no face or a rejected quality
 * (the proof's cohorts leave those out too).
 *
 * @throws when the rows were saved by another software version or do not have the expected shape
 */
export function readMaskedPhoto(dir: string, group: string, row: PhantomRow): MaskedPhoto | undefined {
  const out = fileOf(dir, group, row);
  if (!existsSync(`${out}.json`)) return undefined;
  const meta = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as SavedMeta & { failed?: string };
  if (meta.software !== SOFTWARE_VERSION)
    throw new Error(`${out}.json was saved by endoface ${meta.software}; delete ${dir} and run again`);
  if (meta.failed !== undefined || meta.quality === 'reject') return undefined;
  // Copied, so the float view is aligned whatever the buffer's offset.
  const all = new Float32Array(new Uint8Array(readFileSync(`${out}.f32`)).buffer);
  if (all.length !== PERTURBATIONS * meta.dims || meta.coverage.length !== PERTURBATIONS)
    throw new Error(
      `${out}: ${all.length} values for ${PERTURBATIONS} rows of ${meta.dims}; delete it and run again`,
    );
  return {
    subjectId: meta.subjectId,
    label: meta.label,
    sex: meta.sex,
    age: meta.age,
    descriptorRows: Array.from({ length: PERTURBATIONS }, (_, k) =>
      all.subarray(k * meta.dims, (k + 1) * meta.dims),
    ),
    coverage: meta.coverage,
    morphometrics: Float64Array.from(meta.morphometrics),
    colour: Float64Array.from(meta.colour),
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
 * Feature rows of a photo under the saved perturbations (`which`: their indices, default all: 0
 * unmasked, 1 … 14 one region each, 15 every region), the hand-crafted sets neutralised towards
 * `reference`.
 */
export function maskedMatrix(
  p: MaskedPhoto,
  sets: FeatureSetName[],
  reference: FeatureReference,
  which: readonly number[] = p.descriptorRows.map((_, k) => k),
): Matrix64 {
  return featureMatrix(
    which.map((k) => asFeatures(p, k, reference)),
    sets,
  );
}

function asFeatures(
  p: MaskedPhoto,
  k: number,
  reference: FeatureReference | null,
): Pick<FaceFeatures, 'sets'> {
  const c = reference ? p.coverage[k] : null;
  return {
    sets: {
      [MASKED_DESCRIPTOR]: Float64Array.from(p.descriptorRows[k]),
      morphometrics: neutraliseHandCrafted(
        'morphometrics',
        p.morphometrics,
        reference?.morphometrics ?? [],
        c,
      ),
      colour: neutraliseHandCrafted('colour', p.colour, reference?.colour ?? [], c),
    },
  };
}
