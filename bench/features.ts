/**
 * Feature-extraction benchmark (issue 3): descriptors per second for each descriptor network, one
 * crop at a time and in batches of 8, and the cost of morphometrics and colour per face.
 * Usage: npx tsx bench/features.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA as SHARED_DATA } from '../tools/lib/public-data.js';
import { analyzeFace } from '../src/face/index.js';
import {
  computeColourFeatures,
  computeDescriptors,
  computeMorphometrics,
  DESCRIPTOR_IDS,
} from '../src/features/index.js';

const DATA = join(SHARED_DATA, 'webmorph-canada');
const files = readFileSync(join(DATA, 'labels.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1, 25)
  .map((r) => join(DATA, r.split(',')[0]));
const analyses: Awaited<ReturnType<typeof analyzeFace>>[] = [];
for (const f of files) analyses.push(await analyzeFace(f));
const crops = analyses.map((a) => a.aligned!.image);

const rate = async (fn: () => Promise<unknown> | unknown, n: number): Promise<number> => {
  await fn();
  const t = performance.now();
  await fn();
  return n / ((performance.now() - t) / 1000);
};

console.log(`\nfeature extraction, ${crops.length} aligned studio crops (224×224)\n`);
console.log('| extractor | dims | per second, one at a time | per second, batches of 8 |');
console.log('|---|---|---|---|');
for (const id of DESCRIPTOR_IDS) {
  const single = await rate(async () => {
    for (const c of crops) await computeDescriptors(id, [c]);
  }, crops.length);
  const batched = await rate(async () => {
    for (let i = 0; i < crops.length; i += 8) await computeDescriptors(id, crops.slice(i, i + 8));
  }, crops.length);
  const dims = (await computeDescriptors(id, [crops[0]]))[0].length;
  console.log(`| ${id} | ${dims} | ${single.toFixed(1)} | ${batched.toFixed(1)} |`);
}
const morph = await rate(
  () => analyses.forEach((a) => computeMorphometrics(a.primary!.meshPx, a.primary!.pose)),
  analyses.length,
);
const colour = await rate(() => analyses.forEach((a) => computeColourFeatures(a.aligned!)), analyses.length);
console.log(`| morphometrics (28) | 28 | ${morph.toFixed(0)} | — |`);
console.log(`| colour (12, incl. region map) | 12 | ${colour.toFixed(1)} | — |`);
