import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeFace, CANONICAL_TEMPLATE, eyeCentres, type FaceAnalysis } from '../../src/face/index.js';
import { applyAffine } from '../../src/util/geometry.js';
import { dataPath, readLabels } from '../helpers/data.js';
import { exifRotatedJpeg } from '../helpers/images.js';

function cropEyes(a: FaceAnalysis): { right: [number, number]; left: [number, number] } {
  assert.ok(a.aligned, 'aligned');
  return eyeCentres(a.aligned.meshCrop);
}

test('shifted, rotated and zoomed photos of one person align to crops whose eyes agree within 3 px', async () => {
  const size = 224;
  const byIdentity = new Map<string, { file: string; right: [number, number]; left: [number, number] }[]>();
  for (const row of readLabels('webmorph-cc0-lisa-zoom')) {
    const a = await analyzeFace(dataPath('webmorph-cc0-lisa-zoom', row.file));
    assert.equal(a.faces.length, 1, row.file);
    const list = byIdentity.get(row.set) ?? [];
    list.push({ file: row.file, ...cropEyes(a) });
    byIdentity.set(row.set, list);
  }
  assert.deepEqual([...byIdentity.keys()].sort(), ['lisa', 'zoom']);
  for (const [set, list] of byIdentity) {
    for (const eye of ['right', 'left'] as const) {
      const mx = list.reduce((s, e) => s + e[eye][0], 0) / list.length;
      const my = list.reduce((s, e) => s + e[eye][1], 0) / list.length;
      for (const e of list) {
        const d = Math.hypot(e[eye][0] - mx, e[eye][1] - my);
        assert.ok(d < 3, `${set} ${e.file} ${eye} eye is ${d.toFixed(2)} px from the set's mean`);
      }
      // And near the canonical template (the five-point fit spreads residuals over all anchors).
      const t = CANONICAL_TEMPLATE[eye === 'right' ? 'rightEye' : 'leftEye'].map((v) => v * size);
      assert.ok(Math.hypot(mx - t[0], my - t[1]) < 5, `${set} ${eye} eye mean is off the template`);
    }
  }
});

test('the rotated lisa photo is recognised as rolled, and its crop is upright', async () => {
  const a = await analyzeFace(dataPath('webmorph-cc0-lisa-zoom', 'images', 'lisa_lisa3.jpg'));
  assert.ok(Math.abs(a.primary!.pose.rollDeg) > 10, `roll ${a.primary!.pose.rollDeg}`);
  const eyes = cropEyes(a);
  assert.ok(Math.abs(eyes.right[1] - eyes.left[1]) < 2, 'eyes level in the crop');
});

test('an EXIF-rotated copy aligns like the upright photo', async () => {
  const path = dataPath('webmorph-canada', 'images', '003f.jpg');
  const upright = await analyzeFace(path);
  const rotated = await analyzeFace(await exifRotatedJpeg(path));
  assert.equal(rotated.source.exifOrientation, 6);
  const a = cropEyes(upright);
  const b = cropEyes(rotated);
  assert.ok(Math.hypot(a.right[0] - b.right[0], a.right[1] - b.right[1]) < 1.5);
  assert.ok(Math.hypot(a.left[0] - b.left[0], a.left[1] - b.left[1]) < 1.5);
  // Same face position in photo coordinates too (the rotated copy is decoded upright).
  const d = Math.hypot(
    upright.primary!.box.x - rotated.primary!.box.x,
    upright.primary!.box.y - rotated.primary!.box.y,
  );
  assert.ok(d < 6, `box moved ${d} px`);
});

test('crop ↔ photo transforms are inverse and map the mesh between frames', async () => {
  const a = await analyzeFace(dataPath('webmorph-3dsk', 'images', 'female_agata.jpg'));
  const { aligned, primary } = a;
  assert.ok(aligned && primary);
  for (const i of [1, 33, 152, 263]) {
    const back = applyAffine(aligned.cropToPhoto, aligned.meshCrop[i]);
    assert.ok(Math.hypot(back[0] - primary.meshPx[i][0], back[1] - primary.meshPx[i][1]) < 1e-6);
  }
  assert.ok(aligned.fitRmsPx < 6, `template fit rms ${aligned.fitRmsPx}`);
});

test('a downscaled large photo reports mesh and transform in the original pixels', async () => {
  const sharp = (await import('sharp')).default;
  const path = dataPath('webmorph-canada', 'images', '003f.jpg');
  const small = await analyzeFace(path);
  const big = await analyzeFace(await sharp(path).resize(2400, 3200).jpeg({ quality: 95 }).toBuffer());
  const ratio = big.primary!.interOcularPx / small.primary!.interOcularPx;
  assert.ok(Math.abs(ratio - 4) < 0.1, `IOD ratio ${ratio}`);
  const p = applyAffine(big.aligned!.photoToCrop, big.primary!.meshPx[1]);
  assert.ok(Math.hypot(p[0] - big.aligned!.meshCrop[1][0], p[1] - big.aligned!.meshCrop[1][1]) < 1e-6);
});
