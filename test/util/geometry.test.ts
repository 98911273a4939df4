import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyAffine,
  fitSimilarity,
  invertAffine,
  warpAffineRgb,
  type AffineMatrix,
  type Point2,
} from '../../src/util/geometry.js';
import { polygonMask } from '../../src/util/raster.js';

test('fitSimilarity recovers a known rotation, scale and translation exactly', () => {
  const theta = 0.3,
    s = 1.7;
  const truth: AffineMatrix = [
    s * Math.cos(theta),
    -s * Math.sin(theta),
    12,
    s * Math.sin(theta),
    s * Math.cos(theta),
    -5,
  ];
  const from: Point2[] = [
    [0, 0],
    [10, 3],
    [4, 9],
    [-2, 7],
  ];
  const fitted = fitSimilarity(
    from,
    from.map((p) => applyAffine(truth, p)),
  );
  fitted.forEach((v, i) => assert.ok(Math.abs(v - truth[i]) < 1e-9, `coefficient ${i}: ${v} vs ${truth[i]}`));
});

test('invertAffine composes to the identity', () => {
  const m: AffineMatrix = [1.2, -0.4, 30, 0.4, 1.2, -7];
  const inv = invertAffine(m);
  for (const p of [
    [0, 0],
    [13, -4],
    [100, 250],
  ] as Point2[]) {
    const back = applyAffine(inv, applyAffine(m, p));
    assert.ok(Math.hypot(back[0] - p[0], back[1] - p[1]) < 1e-9);
  }
});

test('warpAffineRgb with the identity map returns the image unchanged', () => {
  const src = { data: Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) % 256), width: 5, height: 4 };
  const out = warpAffineRgb(src, [1, 0, 0, 0, 1, 0], 5, 4);
  assert.deepEqual(out.data, src.data);
});

test('polygonMask fills a square with the area of the square', () => {
  const mask = polygonMask(20, 20, [
    [2, 3],
    [12, 3],
    [12, 13],
    [2, 13],
  ]);
  assert.equal(
    mask.reduce((s, v) => s + v, 0),
    100,
  );
  assert.equal(mask[5 * 20 + 5], 1);
  assert.equal(mask[0], 0);
});
