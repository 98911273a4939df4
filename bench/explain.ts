/**
 * Explanation benchmark (issue 6): seconds per photo for region attribution (15 descriptor passes:
 * each region masked, then all at once) and for the occlusion heatmap (coarse 7 × 7 = 49 passes;
 * fine 14 × 14 = 196 on fewer photos), plus gradient saliency and the sanity checks, on 10 studio
 * photos (600×800) with a screen over the default feature sets (faceres + morphometrics + colour).
 * The screen's weights are random: the cost does not depend on them, and no training is needed.
 * Region attribution is also timed with `--region-method feature` and `combined` (the shipped mean
 * feature map). Targets: region attribution ≤ 2 s, coarse heatmap ≤ 6 s per photo.
 * Usage: npx tsx bench/explain.ts [--workers 2]
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { DATA as SHARED_DATA } from '../tools/lib/public-data.js';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { explainTarget } from '../src/explain/index.js';
import {
  attributeRegions,
  deletionCurve,
  gradientSaliency,
  modelRandomisationTest,
  occlusionMap,
  prepareFace,
  shippedLayerReference,
} from '../src/explain/engine/index.js';
import { createDescriptorRunner } from '../src/explain/engine/descriptor-runner.js';
import { analyzeFace } from '../src/face/index.js';
import { decodeImage } from '../src/image/index.js';
import type { FeatureSetName } from '../src/features/index.js';
// The hand-weighted bundle of the explain tests: no training needed to time the explainer.
import { craftedBundle, randomWeights } from '../test/explain/helpers.js';

const { values: args } = parseArgs({ options: { workers: { type: 'string', default: '2' } } });
const WORKERS = Number(args.workers);
const DATA = join(SHARED_DATA, 'webmorph-3dsk');
const files = readFileSync(join(DATA, 'labels.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .filter((_, i) => i % 10 === 0)
  .map((r) => join(DATA, r.split(',')[0]));

const sets: FeatureSetName[] = ['faceres', 'morphometrics', 'colour'];
const bundle = craftedBundle(sets, randomWeights(sets, 5, 0.02));
const target = explainTarget(bundle);
const runner = createDescriptorRunner(WORKERS);
const layerReference = shippedLayerReference();

const seconds = (t0: number): number => (performance.now() - t0) / 1000;
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const times: Record<string, number[]> = {
  detect: [],
  prepare: [],
  regions: [],
  feature: [],
  combined: [],
  coarse: [],
  fine: [],
  saliency: [],
  sanity: [],
};

// Warm-up: models loaded, workers started, gradient kernels registered.
{
  const face = await prepareFace(bundle, target, await analyzeFace(files[0]));
  await attributeRegions(target, face, runner);
  await attributeRegions(target, face, runner, { method: 'feature', layerReference });
  await gradientSaliency(target, face);
}
for (const [i, file] of files.entries()) {
  let t = performance.now();
  const analysis = await analyzeFace(await decodeImage(file));
  times.detect.push(seconds(t));
  t = performance.now();
  const face = await prepareFace(bundle, target, analysis);
  times.prepare.push(seconds(t));
  t = performance.now();
  const { attribution, rows } = await attributeRegions(target, face, runner);
  times.regions.push(seconds(t));
  for (const method of ['feature', 'combined'] as const) {
    t = performance.now();
    await attributeRegions(target, face, runner, { method, layerReference });
    times[method].push(seconds(t));
  }
  t = performance.now();
  await occlusionMap(target, face, 'coarse', runner);
  times.coarse.push(seconds(t));
  if (i < 3) {
    t = performance.now();
    await occlusionMap(target, face, 'fine', runner);
    times.fine.push(seconds(t));
  }
  t = performance.now();
  await gradientSaliency(target, face);
  times.saliency.push(seconds(t));
  t = performance.now();
  modelRandomisationTest(target, face, attribution, rows);
  await deletionCurve(target, face, attribution, { runner });
  times.sanity.push(seconds(t));
}
await runner.close();

const row = (name: string, v: number[], target = ''): string =>
  `| ${name} | ${v.length} | ${median(v).toFixed(2)} | ${Math.max(...v).toFixed(2)} | ${target} |`;
const attribution = times.regions.map((r, i) => r + times.prepare[i]);
console.log(
  `\nexplanations, ${files.length} studio photos 600×800, screen on faceres + morphometrics + colour, ` +
    `${WORKERS} descriptor worker thread(s); ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the end\n`,
);
console.log('| step | photos | median s / photo | max s / photo | target |');
console.log('|---|---|---|---|---|');
console.log(row('decode + detect + align (face stage)', times.detect));
console.log(
  row('region attribution (prepare + 14 regions + all; 16 descriptor passes)', attribution, '≤ 2 s'),
);
console.log(row('  of which masking and scoring only', times.regions));
const plus = (v: number[]) => v.map((r, i) => r + times.prepare[i]);
console.log(
  row(
    'region attribution, --region-method feature (1 pass to the layer + 15 through the rest)',
    plus(times.feature),
    '≤ 2 s',
  ),
);
console.log(row('region attribution, --region-method combined (both)', plus(times.combined), '≤ 2 s'));
console.log(row('occlusion heatmap, coarse 7 × 7 (49 passes)', times.coarse, '≤ 6 s'));
console.log(row('occlusion heatmap, fine 14 × 14 (196 passes)', times.fine));
console.log(row('gradient saliency through faceres', times.saliency));
console.log(row('sanity checks (10 randomised heads + deletion curve)', times.sanity));
