import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { analyzeFace } from '../../src/face/index.js';
import { dataPath, readLabels } from '../helpers/data.js';

test('all 400 ORL greyscale faces (23×28 px) are found, and rejected as too small with a greyscale warning', async () => {
  const rows = readLabels('orl-faces');
  assert.equal(rows.length, 400);
  for (const row of rows) {
    const a = await analyzeFace(dataPath('orl-faces', row.file));
    assert.equal(a.faces.length, 1, row.file);
    assert.ok(a.imageWarnings.includes('greyscale'));
    const codes = a.quality.reasons.map((r) => r.code);
    assert.ok(codes.includes('face_too_small') && codes.includes('greyscale'), `${row.file}: ${codes}`);
  }
});

test('the 100 LFW non-face patches give no_face; the astronaut gives one face', async () => {
  const rows = readLabels('skimage-samples');
  const nonfaces = rows.filter((r) => r.label === 'nonface');
  assert.equal(nonfaces.length, 100);
  for (const row of nonfaces) {
    const a = await analyzeFace(dataPath('skimage-samples', row.file));
    assert.equal(a.faces.length, 0, row.file);
    assert.equal(a.quality.status, 'reject');
    assert.ok(a.quality.reasons.some((r) => r.code === 'no_face' && r.severity === 'reject'));
    assert.equal(a.aligned, undefined);
  }
  const astronaut = await analyzeFace(dataPath('skimage-samples', 'astronaut.jpg'));
  assert.equal(astronaut.faces.length, 1);
  assert.notEqual(astronaut.quality.status, 'reject');
});

test('two people in one photo: both found, the larger is primary, with a multiple_faces warning', async () => {
  const big = await sharp(dataPath('webmorph-canada', 'images', '003f.jpg'))
    .resize(450, 600)
    .toBuffer();
  const small = await sharp(dataPath('webmorph-canada', 'images', '008f.jpg'))
    .resize(300, 400)
    .toBuffer();
  const group = await sharp({ create: { width: 900, height: 650, channels: 3, background: '#ffffff' } })
    .composite([
      { input: big, left: 0, top: 25 },
      { input: small, left: 560, top: 150 },
    ])
    .jpeg()
    .toBuffer();
  const a = await analyzeFace(group);
  assert.equal(a.faces.length, 2);
  assert.ok(a.primary!.box.x < 450, 'the larger face, on the left, is primary');
  assert.ok(a.faces[0].interOcularPx > a.faces[1].interOcularPx * 1.3);
  const reason = a.quality.reasons.find((r) => r.code === 'multiple_faces');
  assert.equal(reason?.severity, 'warn');
  assert.equal(a.quality.status, 'warn');
});

test('eye bars are detected as eyes_occluded (the masked acromegaly teaching photo)', async () => {
  const a = await analyzeFace(dataPath('disease-examples', 'images', 'acromegaly_commons_frontal_crop.jpg'));
  assert.equal(a.faces.length, 1);
  assert.ok(a.quality.reasons.some((r) => r.code === 'eyes_occluded'));
});

test('degraded copies of a passing photo get the matching reason', async () => {
  const path = dataPath('webmorph-3dsk', 'images', 'female_agata.jpg');
  const codes = async (buf: Buffer): Promise<string[]> =>
    (await analyzeFace(buf)).quality.reasons.map((r) => r.code);
  assert.ok((await codes(await sharp(path).blur(6).toBuffer())).includes('blurry'));
  assert.ok((await codes(await sharp(path).linear(0.15, 0).toBuffer())).includes('under_exposed'));
  assert.ok((await codes(await sharp(path).linear(1.8, 60).toBuffer())).includes('over_exposed'));
  assert.ok((await codes(await sharp(path).resize(60, 80).toBuffer())).includes('face_too_small'));
  // Cut the photo just below the nose: the mesh runs off the bottom edge.
  assert.ok(
    (
      await codes(await sharp(path).extract({ left: 0, top: 0, width: 600, height: 470 }).toBuffer())
    ).includes('face_cut_off'),
  );
});
