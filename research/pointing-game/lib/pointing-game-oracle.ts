/**
 * The pointing game's ceiling for feature occlusion: each phantom's regions moved, inside FaceRes,
 * to the map of the same person's unmodified photo instead of normal faces' mean map. That is the
 * perfect counterfactual — "this face without the sign" — which a user never has (it needs the
 * patient's unaffected photo), so it bounds what any choice of reference can reach, and separates
 * misses caused by the reference (other people's faces differ from this one everywhere) from misses
 * the screen's reading of the phantom would keep under any reference.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  cellShares,
  layerActivations,
  OCCLUSION_LAYERS,
  occludedDescriptors,
} from '../../../src/explain/engine/feature-occlusion.js';
import { analyzeFace } from '../../../src/face/index.js';
import { REGION_NAMES, regionLabelMap } from '../../../src/face/regions.js';
import { DESCRIPTOR_MODELS } from '../../../src/features/descriptors.js';
import { SIGN_NAMES } from '../../../src/simulate/index.js';
import { SOFTWARE_VERSION } from '../../../src/core/version.js';
import type { PhantomRow } from '../../../tools/lib/phantom-cohorts.js';
import type { MaskedPhoto } from './pointing-game-masked.js';
import type { SignRows } from './pointing-game-replay.js';

const R = REGION_NAMES.length;
const DIMS = DESCRIPTOR_MODELS.faceres.dims;
const LAYER = OCCLUSION_LAYERS.faceres;

/** A photo's FaceRes map and region shares of its aligned crop (undefined without a face). */
export async function faceresLayerOf(file: string) {
  const a = await analyzeFace(file);
  if (!a.aligned) return undefined;
  const { width, height } = a.aligned.image;
  const [map] = await layerActivations('faceres', [a.aligned.image]);
  const shares = cellShares(regionLabelMap(a.aligned.meshCrop, width, height), width, height, LAYER.grid);
  return { map, shares };
}

const ownFile = (dir: string, sign: string, row: PhantomRow) =>
  join(dir, sign, `${basename(row.file, '.jpg')}.own`);

/** Saves, per phantom, each region's descriptor occluded towards its own unmodified photo's map. */
export async function saveOracleRows(dir: string, rows: SignRows): Promise<void> {
  const todo = SIGN_NAMES.flatMap((s) =>
    rows
      .get(s)!
      .phantoms.filter((r) => !existsSync(`${ownFile(dir, s, r)}.f32`))
      .map((r) => [s, r] as const),
  );
  if (todo.length === 0) return;
  const controls = new Map(rows.get(SIGN_NAMES[0])!.controls.map((r) => [r.subjectId, r]));
  const controlMaps = new Map<string, Float32Array | undefined>();
  const t0 = Date.now();
  let done = 0;
  for (const [sign, row] of todo) {
    const control = controls.get(row.subjectId);
    if (control && !controlMaps.has(row.subjectId))
      controlMaps.set(row.subjectId, (await faceresLayerOf(control.file))?.map);
    const own = controlMaps.get(row.subjectId);
    const l = own && (await faceresLayerOf(row.file));
    const values = new Float32Array(l ? R * DIMS : 0);
    if (l && own)
      (await occludedDescriptors('faceres', l.map, l.shares, own)).forEach((d, k) => values.set(d, k * DIMS));
    const out = ownFile(dir, sign, row);
    writeFileSync(`${out}.json`, JSON.stringify({ software: SOFTWARE_VERSION, layer: LAYER.node }));
    writeFileSync(`${out}.f32`, Buffer.from(values.buffer));
    if (++done % 50 === 0 || done === todo.length)
      console.error(`oracle rows: ${done}/${todo.length} (${((Date.now() - t0) / 60000).toFixed(1)} min)`);
  }
}

/** A saved phantom with its region rows replaced by the oracle's (undefined when none were made). */
export function oracleOccluded(
  dir: string,
  sign: string,
  row: PhantomRow,
  p: MaskedPhoto,
): MaskedPhoto | undefined {
  const out = ownFile(dir, sign, row);
  if (!existsSync(`${out}.f32`)) return undefined;
  const meta = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { software: string };
  if (meta.software !== SOFTWARE_VERSION) throw new Error(`${out} was saved by ${meta.software}; delete it`);
  const all = new Float32Array(new Uint8Array(readFileSync(`${out}.f32`)).buffer);
  if (all.length === 0) return undefined;
  return {
    ...p,
    descriptorRows: [
      p.descriptorRows[0],
      ...REGION_NAMES.map((_, r) => all.subarray(r * DIMS, (r + 1) * DIMS)),
      p.descriptorRows[R + 1],
    ],
  };
}
