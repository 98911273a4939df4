import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evalThinPlateSpline, fitThinPlateSpline } from '../../src/simulate/index.js';
import { faceFrame } from '../../src/simulate/frame.js';
import { areaRatioRange, backwardField, warpRgb } from '../../src/simulate/warp.js';
import { CANONICAL_MESH } from '../../src/face/regions.js';
import type { Point2 } from '../../src/util/geometry.js';

const points: Point2[] = [
  [0.1, 0.2],
  [0.8, 0.1],
  [0.5, 0.5],
  [0.2, 0.9],
  [0.9, 0.8],
  [0.4, 0.3],
];

test('the thin-plate spline interpolates its control values exactly', () => {
  const values = points.map(([x, y]) => [Math.sin(3 * x), x * y] as Point2);
  const tps = fitThinPlateSpline(points, values);
  points.forEach((p, i) => {
    const v = evalThinPlateSpline(tps, p[0], p[1]);
    assert.ok(
      Math.abs(v[0] - values[i][0]) < 1e-9 && Math.abs(v[1] - values[i][1]) < 1e-9,
      `point ${i}: ${v}`,
    );
  });
});

test('the thin-plate spline reproduces an affine map everywhere (no bending)', () => {
  const affine = ([x, y]: Point2): Point2 => [0.3 + 2 * x - y, -1 + 0.5 * x + 3 * y];
  const tps = fitThinPlateSpline(points, points.map(affine));
  for (const q of [
    [0.33, 0.71],
    [-1, 2],
    [0.6, 0.05],
  ] as Point2[]) {
    const v = evalThinPlateSpline(tps, q[0], q[1]);
    const e = affine(q);
    assert.ok(Math.hypot(v[0] - e[0], v[1] - e[1]) < 1e-9, `${q}: ${v} vs ${e}`);
  }
  assert.ok(
    tps.weights.every((w) => Math.abs(w) < 1e-9),
    'no kernel weights for an affine map',
  );
});

test('a zero displacement field is an exact identity through the whole warp path', () => {
  // A synthetic 200×260 photo with texture everywhere, and the canonical mesh placed on it.
  const width = 200;
  const height = 260;
  const data = new Uint8Array(width * height * 3).map((_, i) => (i * 37 + (i >> 7) * 11) & 255);
  const size = 224;
  const cropToPhoto: [number, number, number, number, number, number] = [0.8, 0, 10, 0, 0.8, 20];
  const mesh = CANONICAL_MESH.points.map(([x, y, z]) => [
    cropToPhoto[0] * x * size + cropToPhoto[2],
    cropToPhoto[4] * y * size + cropToPhoto[5],
    z,
  ]);
  const frame = faceFrame(mesh, cropToPhoto, size);
  const ctrl = frame.mesh.filter((_, i) => i % 5 === 0);
  const tps = fitThinPlateSpline(
    ctrl,
    ctrl.map(() => [0, 0] as Point2),
  );
  const field = backwardField(tps, frame, { x0: 0, y0: 0, x1: width, y1: height }, 4);
  assert.ok(
    field.channels.every((c) => c.every((v) => v === 0)),
    'zero field',
  );
  assert.deepEqual(areaRatioRange(field), { min: 1, max: 1 });
  const out = warpRgb({ data, width, height }, field, new Uint8Array(width * height));
  assert.deepEqual(out.data, data);
});
