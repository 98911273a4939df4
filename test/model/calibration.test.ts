// Platt scaling, isotonic regression, multi-class renormalisation, and the standardiser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyCalibrator,
  applyStandardizer,
  fitCalibrator,
  fitIsotonicMap,
  fitSigmoidMap,
  fitStandardizer,
  fromRows,
} from '../../src/model/index.js';
import { near } from './helpers.js';

test("Platt scaling solves the likelihood equations with Platt's smoothed targets", () => {
  const s = Float64Array.of(-2, -1.5, -0.3, 0.1, 0.4, 0.2, 1.1, 2.5, -0.8, 0.9);
  const pos = Uint8Array.of(0, 0, 0, 1, 0, 1, 1, 1, 0, 1);
  const { a, b } = fitSigmoidMap(s, pos);
  // 5 positives, 5 negatives: targets 6/7 and 1/7.
  let g0 = 0;
  let g1 = 0;
  s.forEach((v, i) => {
    const t = pos[i] ? 6 / 7 : 1 / 7;
    const p = 1 / (1 + Math.exp(-(a + b * v)));
    g0 += t - p;
    g1 += (t - p) * v;
  });
  near(g0, 0, 1e-10, '∂/∂a');
  near(g1, 0, 1e-10, '∂/∂b');
  assert.ok(b > 0);
  // Separable scores still give a finite map (the smoothed targets are never 0 or 1).
  const sep = fitSigmoidMap(Float64Array.of(-1, -0.5, 0.5, 1), Uint8Array.of(0, 0, 1, 1));
  assert.ok(Number.isFinite(sep.a) && Number.isFinite(sep.b));
  // All scores equal: a constant map at the mean target.
  const flat = fitSigmoidMap(Float64Array.of(0, 0, 0, 0), Uint8Array.of(0, 1, 1, 1));
  near(flat.b, 0, 0, 'b');
  near(1 / (1 + Math.exp(-flat.a)), (3 * (4 / 5) + 1 / 3) / 4, 1e-12, 'mean target');
});

test('isotonic regression by pool-adjacent-violators on a hand-worked case', () => {
  // Scores 1…6, labels 0 1 0 1 1 0: pools {1} → 0, {2,3} → ½, {4,5,6} → ⅔.
  const map = fitIsotonicMap(Float64Array.of(1, 2, 3, 4, 5, 6), Uint8Array.of(0, 1, 0, 1, 1, 0));
  assert.deepEqual(map.x, [1, 2, 3, 4, 6]);
  map.y.forEach((v, i) => near(v, [0, 0.5, 0.5, 2 / 3, 2 / 3][i], 1e-15, `y[${i}]`));
  const cal = { method: 'isotonic' as const, maps: [map] };
  const p = applyCalibrator(cal, fromRows([[0], [3.5], [10]]));
  near(p.data[1], 0, 0, 'clipped below');
  near(p.data[3], (0.5 + 2 / 3) / 2, 1e-15, 'interpolated');
  near(p.data[5], 2 / 3, 1e-15, 'clipped above');
  // Tied scores are pooled before PAV.
  const tied = fitIsotonicMap(Float64Array.of(1, 1, 2, 2), Uint8Array.of(0, 1, 1, 1));
  assert.deepEqual(tied, { x: [1, 2], y: [0.5, 1] });
});

test('calibrators are monotone and multi-class probabilities sum to 1', () => {
  const decision = fromRows([
    [2, 0, -1],
    [0, 1, 0],
    [-1, 0, 2],
    [1, 1, 0],
    [0, 2, 1],
    [-2, 0, 1],
  ]);
  const y = Int32Array.of(0, 1, 2, 0, 1, 2);
  for (const method of ['sigmoid', 'isotonic', 'none'] as const) {
    const cal = fitCalibrator(decision, y, method);
    const p = applyCalibrator(cal, decision);
    for (let i = 0; i < 6; i++)
      near(p.data[3 * i] + p.data[3 * i + 1] + p.data[3 * i + 2], 1, 1e-12, `${method} row ${i}`);
  }
  const binary = fitCalibrator(
    fromRows([[-2], [-1], [0], [1], [2], [0.5]]),
    Int32Array.of(0, 0, 1, 1, 1, 0),
    'sigmoid',
  );
  const p = applyCalibrator(binary, fromRows([[-3], [0], [3]]));
  assert.ok(p.data[1] < p.data[3] && p.data[3] < p.data[5]);
});

test('the standardizer: population SD, constant columns scale 1, fitted on the given rows only', () => {
  const X = fromRows([
    [1, 5, 0],
    [3, 5, 10],
    [5, 5, 1000],
  ]);
  const s = fitStandardizer(X, [0, 1]);
  assert.deepEqual(s, { mean: [2, 5, 5], scale: [1, 1, 5] });
  const Z = applyStandardizer(s, X);
  assert.deepEqual(Array.from(Z.data), [-1, 0, -1, 1, 0, 1, 3, 0, 199]);
  const full = fitStandardizer(X);
  near(full.scale[0], Math.sqrt(8 / 3), 1e-15, 'ddof = 0');
});
