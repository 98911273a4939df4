import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainTarget } from '../../src/explain/index.js';
import {
  DELEGATED_KERNELS,
  enableGradients,
  gradientSaliency,
  perturbedImage,
  prepareFace,
  regionPerturbations,
} from '../../src/explain/engine/index.js';
import { createDescriptorRunner, localDescriptorRunner } from '../../src/explain/engine/descriptor-runner.js';
import { analyzeFace } from '../../src/face/index.js';
import { REGION_NAMES } from '../../src/face/regions.js';
import { dataPath } from '../helpers/data.js';
import { craftedBundle, randomWeights } from './helpers.js';

const analysis = analyzeFace(dataPath('webmorph-3dsk', 'images', 'male_alex.jpg'));

test('gradient saliency through faceres: the WASM backend gets the missing backward kernels, the map is finite', async () => {
  const tf = await enableGradients();
  for (const k of DELEGATED_KERNELS) assert.ok(tf.getKernel(k, 'wasm'), `${k} registered on wasm`);
  assert.equal(tf.getBackend(), 'wasm');
  const bundle = craftedBundle(['faceres', 'morphometrics'], randomWeights(['faceres'], 3, 0.05));
  const target = explainTarget(bundle);
  const face = await prepareFace(bundle, target, await analysis);
  const before = tf.memory().numTensors;
  const map = await gradientSaliency(target, face);
  assert.ok(map.available);
  assert.equal(map.values.length, 56 * 56);
  assert.ok(map.values.every(Number.isFinite) && map.scale > 0);
  const inRegions = Object.values(map.regionShare).reduce((a, b) => a + b, 0);
  assert.ok(inRegions > 0.5 && inRegions <= 1 + 1e-9, `share in the regions ${inRegions}`);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  // A screen without a descriptor has no network to differentiate.
  const morph = craftedBundle(['morphometrics'], {});
  const none = await gradientSaliency(
    explainTarget(morph),
    await prepareFace(morph, explainTarget(morph), await analysis),
  );
  assert.equal(none.available, false);
  assert.equal(!none.available && none.reason, 'no_descriptor_features');
});

test('faceres-lower sees only its box of the crop: no gradient above it, and masking above it changes nothing', async () => {
  const bundle = craftedBundle(['faceres-lower'], randomWeights(['faceres-lower'], 5, 0.05));
  const target = explainTarget(bundle);
  const face = await prepareFace(bundle, target, await analysis);
  const map = await gradientSaliency(target, face);
  assert.ok(map.available);
  // 56 rows over 224 px: rows 0–22 lie wholly above the box's top (0.42 × 224 = 94 px).
  const above = map.values.slice(0, 23 * 56);
  const below = map.values.slice(30 * 56);
  assert.ok(
    above.every((v) => v === 0),
    'no gradient above the box',
  );
  assert.ok(
    below.some((v) => v > 0),
    'gradient inside the box',
  );
  assert.equal(map.regionShare.forehead, 0);
  assert.ok(map.regionShare.lips > 0 && map.regionShare.nose > 0);
  // The descriptor ignores the forehead and brows, and changes when the lips are masked.
  const perturbations = regionPerturbations(face);
  const names = ['null', ...REGION_NAMES, 'all'];
  const at = (r: string) => perturbedImage(face, perturbations[names.indexOf(r)]);
  const [base, forehead, lips] = await localDescriptorRunner.run('faceres-lower', [
    face.aligned.image,
    at('forehead'),
    at('lips'),
  ]);
  const diff = (a: Float32Array, b: Float32Array) =>
    a.reduce((m, v, j) => Math.max(m, Math.abs(v - b[j])), 0);
  assert.equal(diff(base, forehead), 0);
  assert.ok(diff(base, lips) > 1e-3);
});

test('descriptors from the worker pool equal those computed in this thread, in input order', async () => {
  const bundle = craftedBundle(['faceres'], {});
  const face = await prepareFace(bundle, explainTarget(bundle), await analysis);
  const images = regionPerturbations(face)
    .slice(1, 4)
    .map((p) => perturbedImage(face, p));
  const local = await localDescriptorRunner.run('faceres', images);
  const runner = createDescriptorRunner(2);
  try {
    const pooled = await runner.run('faceres', images);
    assert.equal(pooled.length, 3);
    pooled.forEach((d, i) => {
      const err = d.reduce((m, v, j) => Math.max(m, Math.abs(v - local[i][j])), 0);
      assert.ok(err < 1e-5, `crop ${i}: max difference ${err}`);
    });
  } finally {
    await runner.close();
  }
});
