import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labToSrgb, srgbToLab } from '../../src/util/colour.js';

test('srgbToLab matches published CIELAB values (D65)', () => {
  const close = (a: number[], b: number[], tol: number): void =>
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < tol, `${a} vs ${b}`));
  close(srgbToLab(255, 255, 255), [100, 0, 0], 0.01);
  close(srgbToLab(0, 0, 0), [0, 0, 0], 1e-9);
  // Pure sRGB red, green, blue (standard values, e.g. Lindbloom's calculator).
  close(srgbToLab(255, 0, 0), [53.2408, 80.0925, 67.2032], 0.01);
  close(srgbToLab(0, 255, 0), [87.7347, -86.1827, 83.1793], 0.01);
  close(srgbToLab(0, 0, 255), [32.297, 79.1875, -107.8602], 0.01);
});

test('labToSrgb inverts srgbToLab on 8-bit colours', () => {
  const colours: [number, number, number][] = [
    [12, 200, 99],
    [250, 180, 160],
    [128, 128, 128],
    [3, 4, 5],
  ];
  for (const [r, g, b] of colours) assert.deepEqual(labToSrgb(...srgbToLab(r, g, b)), [r, g, b]);
});
