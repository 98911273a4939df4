import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cellShares,
  descriptorsFromLayer,
  layerActivations,
  meanActivation,
  occludedDescriptors,
  OCCLUSION_LAYERS,
} from '../../src/explain/engine/feature-occlusion.js';
import { analyzeFace } from '../../src/face/index.js';
import { REGION_NAMES, regionLabelMap } from '../../src/face/regions.js';
import { computeDescriptors } from '../../src/features/index.js';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

test('feature occlusion: the split network is the network; occluding towards a face itself changes nothing; shares add up', async () => {
  const [alex, agata] = await Promise.all(
    ['examples/male_alex.jpg', 'examples/female_agata.jpg'].map((f) => analyzeFace(f)),
  );
  const crop = alex.aligned!.image;
  const { grid } = OCCLUSION_LAYERS.faceres;
  const [mapAlex, mapAgata] = await layerActivations('faceres', [crop, agata.aligned!.image]);
  // The layer, then the rest of the network: exactly the descriptor extraction gives.
  const [whole] = await computeDescriptors('faceres', [crop]);
  const [resumed] = await descriptorsFromLayer('faceres', mapAlex, 1);
  assert.ok(maxDiff(whole, resumed) < 1e-5, String(maxDiff(whole, resumed)));

  const labels = regionLabelMap(alex.aligned!.meshCrop, crop.width, crop.height);
  const shares = cellShares(labels, crop.width, crop.height, grid);
  // Each cell's shares are parts of it; each region's shares, times a cell's pixels, are its pixels.
  const cellSum = (c: number): number => REGION_NAMES.reduce((s, _, r) => s + shares[r * grid * grid + c], 0);
  for (let c = 0; c < grid * grid; c++) assert.ok(cellSum(c) <= 1 + 1e-6, `cell ${c}: ${cellSum(c)}`);
  // A cell at the crop's centre (the nose) lies wholly in regions; a corner cell (background) in none.
  const centre = (grid >> 1) * grid + (grid >> 1);
  assert.ok(Math.abs(cellSum(centre) - 1) < 1e-6, `centre cell: ${cellSum(centre)}`);
  assert.equal(cellSum(0), 0);
  const nose = REGION_NAMES.indexOf('nose');
  const nosePixels = labels.reduce((n, l) => n + (l === nose ? 1 : 0), 0);
  const noseShares = shares.slice(nose * grid * grid, (nose + 1) * grid * grid).reduce((a, b) => a + b, 0);
  assert.ok(
    Math.abs(noseShares * (crop.width / grid) ** 2 - nosePixels) < 1,
    `${noseShares} vs ${nosePixels}`,
  );

  // Towards the face's own map: every region gives the unoccluded descriptor.
  const same = await occludedDescriptors('faceres', mapAlex, shares, mapAlex);
  assert.equal(same.length, REGION_NAMES.length);
  for (const d of same) assert.ok(maxDiff(d, whole) < 1e-5);
  // Towards another face's map: each region moves the descriptor, the larger regions more than the small.
  const mean = meanActivation([mapAlex, mapAgata]);
  for (const i of [0, 1000, 50_000, mean.length - 1])
    assert.ok(Math.abs(mean[i] - (mapAlex[i] + mapAgata[i]) / 2) < 1e-6, `mean at ${i}`);
  const reference = meanActivation([mapAgata, mapAgata]);
  assert.ok(maxDiff(reference, mapAgata) === 0);
  const moved = await occludedDescriptors('faceres', mapAlex, shares, reference);
  const distance = moved.map((d) => Math.hypot(...Array.from(d, (v, i) => v - whole[i])));
  for (const [r, dist] of distance.entries()) assert.ok(dist > 0, REGION_NAMES[r]);
  assert.ok(distance[REGION_NAMES.indexOf('forehead')] > distance[REGION_NAMES.indexOf('eyeLeft')]);
});
