/** L1 lip phantoms: pixel-masked rows (proof format) and feature-occlusion rows (as experiment saveRows). */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  cellShares,
  descriptorsFromLayer,
  layerActivations,
  meanActivation,
  OCCLUSION_LAYERS,
  occludedDescriptors,
} from './src/explain/feature-occlusion.js';
import { createDescriptorRunner } from './src/explain/descriptor-runner.js';
import { analyzeFace } from './src/face/index.js';
import { DESCRIPTOR_MODELS } from './src/features/descriptors.js';
import { REGION_NAMES, regionLabelMap } from './src/face/regions.js';
import { loadBundle } from './src/model/index.js';
import { SIGN_NAMES } from './src/simulate/index.js';
import { SOFTWARE_VERSION } from './src/version.js';
import { readPhantomManifest, type PhantomRow } from './scripts/lib/phantom-cohorts.js';
import { saveMaskedRows } from './scripts/lib/pointing-game-masked.js';
import { CACHE, manifestRows, ROOT, SPLITS } from './scripts/lib/pointing-game-replay.js';

const OUTDIR = '/work/exp/l1';
const L1 = readPhantomManifest(join(ROOT, '.cache/exp-lips-L1/lip_thickening/manifest.csv')).filter(
  (r) => r.label !== 'control',
);
console.error(`L1 rows: ${L1.length}`);
const R = REGION_NAMES.length;
const DIMS = DESCRIPTOR_MODELS.faceres.dims;
const LAYER = OCCLUSION_LAYERS.faceres;
const SPLIT_NAMES = Object.keys(SPLITS);
const ROWS = manifestRows();

// (1) pixel-masked rows, as proof-pointing-game-screens.ts saveAllMasked().
{
  const bundle = await loadBundle(join(ROOT, 'models', 'default'));
  const runner = createDescriptorRunner(2);
  const t0 = Date.now();
  try {
    const made = await saveMaskedRows(join(OUTDIR, 'masked'), 'lip_thickening', L1, bundle, runner, (d, t) => {
      if (d % 20 === 0 || d === t) console.error(`  masked: ${d}/${t} (${((Date.now() - t0) / 60000).toFixed(1)} min)`);
    });
    console.error(`masked: ${made} made`);
  } finally {
    await runner.close();
  }
}

// (2) feature-occlusion rows, as experiment-feature-occlusion.ts saveRows().
async function layerOf(file: string) {
  const a = await analyzeFace(file);
  if (!a.aligned) return undefined;
  const { width, height } = a.aligned.image;
  const [map] = await layerActivations('faceres', [a.aligned.image]);
  const shares = cellShares(regionLabelMap(a.aligned.meshCrop, width, height), width, height, LAYER.grid);
  return { map, shares };
}
async function rowsOf(l: NonNullable<Awaited<ReturnType<typeof layerOf>>>, references: Float32Array[]) {
  const values = new Float32Array((1 + SPLIT_NAMES.length * R) * DIMS);
  const rowsOut = await descriptorsFromLayer('faceres', l.map, 1);
  for (const ref of references) rowsOut.push(...(await occludedDescriptors('faceres', l.map, l.shares, ref)));
  rowsOut.forEach((d, k) => values.set(d, k * DIMS));
  return values;
}
const controls = ROWS.get(SIGN_NAMES[0])!.controls;
const trainingIds = new Set(SPLIT_NAMES.flatMap((n) => SPLITS[n].A.map((p) => p.subjectId)));
const controlLayers = new Map<string, Awaited<ReturnType<typeof layerOf>>>();
const t1 = Date.now();
for (const row of controls) if (trainingIds.has(row.subjectId)) controlLayers.set(row.file, await layerOf(row.file));
console.error(`control layers: ${controlLayers.size} (${((Date.now() - t1) / 60000).toFixed(1)} min)`);
const references = SPLIT_NAMES.map((name) => {
  const ids = new Set(SPLITS[name].A.map((p) => p.subjectId));
  const maps = controls.filter((r) => ids.has(r.subjectId)).map((r) => controlLayers.get(r.file)?.map);
  const kept = maps.filter((m): m is Float32Array => m !== undefined);
  console.error(`${name} reference from ${kept.length} controls`);
  return meanActivation(kept);
});

// Check: recomputing two proof lip phantoms and one control reproduces the proof's cached rows.
const FO = join(CACHE, 'feature-occlusion');
const checks: [string, PhantomRow][] = [
  ...ROWS.get('lip_thickening')!.phantoms.slice(0, 2).map((r) => ['lip_thickening', r] as [string, PhantomRow]),
  ['controls', controls[0]],
];
for (const [g, row] of checks) {
  const l = await layerOf(row.file);
  if (!l) continue;
  const mine = await rowsOf(l, references);
  const cached = new Float32Array(new Uint8Array(readFileSync(join(FO, g, `${basename(row.file, '.jpg')}.f32`))).buffer);
  let d = 0;
  for (let i = 0; i < mine.length; i++) d = Math.max(d, Math.abs(mine[i] - cached[i]));
  console.error(`check ${g}/${basename(row.file)}: ${mine.length} vs ${cached.length} values, max |diff| ${d}`);
}

const DIR = join(OUTDIR, 'feature-occlusion', 'lip_thickening');
mkdirSync(DIR, { recursive: true });
const t0 = Date.now();
let done = 0;
for (const row of L1) {
  const out = join(DIR, basename(row.file, '.jpg'));
  if (existsSync(`${out}.f32`)) continue;
  const l = await layerOf(row.file);
  const values = l ? await rowsOf(l, references) : new Float32Array(0);
  writeFileSync(`${out}.json`, JSON.stringify({ software: SOFTWARE_VERSION, layer: LAYER.node, splits: SPLIT_NAMES }));
  writeFileSync(`${out}.f32`, Buffer.from(values.buffer));
  if (++done % 20 === 0 || done === L1.length)
    console.error(`feature occlusion: ${done}/${L1.length} (${((Date.now() - t0) / 60000).toFixed(1)} min)`);
}
console.error('saved');
