import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import {
  COOL_WARM,
  coolWarm,
  overlayGrid,
  overlayPng,
  overlayRegions,
  photoToCropMatrix,
} from '../../src/explain/render/index.js';
import { type CropGrid } from '../../src/explain/engine/index.js';
import { analyzeFace } from '../../src/face/index.js';
import { regionLabelMap } from '../../src/face/regions.js';
import { decodeImage, type RgbImage } from '../../src/image/index.js';
import { srgbToLab } from '../../src/util/colour.js';
import { applyAffine } from '../../src/util/geometry.js';
import { dataPath } from '../helpers/data.js';

const grey = (width: number, height: number): RgbImage => ({
  width,
  height,
  data: new Uint8Array(width * height * 3).fill(128),
});

/** Centroid of the photo pixels the overlay changed. */
function centroidOfChange(before: RgbImage, after: RgbImage): [number, number, number] {
  let sx = 0,
    sy = 0,
    n = 0;
  for (let y = 0; y < before.height; y++) {
    for (let x = 0; x < before.width; x++) {
      const o = 3 * (y * before.width + x);
      if (after.data[o] !== before.data[o] || after.data[o + 2] !== before.data[o + 2]) {
        sx += x + 0.5;
        sy += y + 0.5;
        n++;
      }
    }
  }
  return [sx / n, sy / n, n];
}

/** A crop-resolution grid with one hot pixel at (x, y). */
function markAt(size: number, x: number, y: number): CropGrid {
  const values = new Array<number>(size * size).fill(0);
  values[y * size + x] = 1;
  return { rows: size, cols: size, cropSize: size, values };
}

test('a mark drawn at a crop point lands at cropToPhoto(point) in the photo, rolled head included', async () => {
  // lisa3 is rolled by more than 10°: the crop ↔ photo map has a rotation in it.
  const file = dataPath('webmorph-cc0-lisa-zoom', 'images', 'lisa_lisa3.jpg');
  const photo = await decodeImage(file);
  const a = await analyzeFace(photo);
  const size = a.aligned!.image.width;
  const m = photoToCropMatrix(a, photo);
  for (const [cx, cy] of [
    [60, 150],
    [170, 40],
  ]) {
    const blank = grey(photo.width, photo.height);
    const { image } = overlayGrid(blank, m, markAt(size, cx, cy), { vmax: 1, maxAlpha: 1 });
    const [px, py, n] = centroidOfChange(blank, image);
    const expected = applyAffine(a.aligned!.cropToPhoto, [cx + 0.5, cy + 0.5]);
    assert.ok(n > 0, 'the mark is drawn');
    assert.ok(
      Math.hypot(px - expected[0], py - expected[1]) < 1,
      `mark at (${px}, ${py}), expected ${expected}`,
    );
  }
});

test('on a downscaled working image the mark lands at cropToPhoto(point) × scale', async () => {
  const file = dataPath('webmorph-canada', 'images', '003f.jpg');
  const photo = await decodeImage(file, { maxWorkingSide: 400 });
  assert.ok(photo.scale < 1);
  const a = await analyzeFace(photo);
  const m = photoToCropMatrix(a, photo);
  const blank = grey(photo.width, photo.height);
  const { image } = overlayGrid(blank, m, markAt(a.aligned!.image.width, 112, 120), { vmax: 1, maxAlpha: 1 });
  const [px, py] = centroidOfChange(blank, image);
  const [ex, ey] = applyAffine(a.aligned!.cropToPhoto, [112.5, 120.5]);
  assert.ok(Math.hypot(px - ex * photo.scale, py - ey * photo.scale) < 1, `(${px}, ${py})`);
});

test('region overlays colour each region by its value; the PNG carries a colour bar', async () => {
  const photo = await decodeImage(dataPath('webmorph-canada', 'images', '003f.jpg'));
  const a = await analyzeFace(photo);
  const size = a.aligned!.image.width;
  const labels = regionLabelMap(a.aligned!.meshCrop, size, size);
  const values = Array.from({ length: 14 }, (_, r) => (r === 4 ? 1 : 0)); // 4 = nose
  const m = photoToCropMatrix(a, photo);
  const overlay = overlayRegions(photo, m, labels, size, values);
  assert.equal(overlay.vmax, 1);
  // The nose tip (mesh point 1) is painted warm; a far corner is untouched.
  const [nx, ny] = a.primary!.meshPx[1];
  const o = 3 * (Math.round(ny) * photo.width + Math.round(nx));
  assert.ok(overlay.image.data[o] > overlay.image.data[o + 2] + 40, 'red over the nose');
  assert.deepEqual([...overlay.image.data.subarray(0, 3)], [...photo.data.subarray(0, 3)]);
  const png = await overlayPng(overlay, { title: 'Δ score' }, 400);
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.height, 400);
  assert.ok(meta.width! > Math.round((400 * photo.width) / photo.height), 'photo plus colour bar');
});

test('the cool–warm map is symmetric in lightness about its neutral midpoint', () => {
  assert.equal(COOL_WARM.length, 257);
  const L = (c: readonly number[]): number => srgbToLab(c[0], c[1], c[2])[0];
  for (const t of [0.25, 0.5, 0.75, 1]) {
    assert.ok(Math.abs(L(coolWarm(t)) - L(coolWarm(-t))) < 0.5, `L* at ±${t}`);
    assert.ok(L(coolWarm(t)) < L(coolWarm(t - 0.25)), 'lightness falls away from zero');
  }
  assert.deepEqual(coolWarm(0), [221, 221, 221]); // Moreland's neutral midpoint, as matplotlib's coolwarm
  assert.ok(coolWarm(1)[0] > coolWarm(1)[2] && coolWarm(-1)[2] > coolWarm(-1)[0]);
});
