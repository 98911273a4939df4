import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { EndofaceError } from '../../src/core/errors.js';
import type { ImageErrorCode } from '../../src/image/index.js';
import { decodeImage } from '../../src/image/index.js';
import { dataPath } from '../helpers/data.js';
import { exifRotatedJpeg, pngClaiming } from '../helpers/images.js';
import { rejection } from '../helpers/errors.js';

const FACE = dataPath('webmorph-canada', 'images', '003f.jpg');

const rejectsWith = (input: string | Buffer, code: ImageErrorCode, config = {}): Promise<EndofaceError> =>
  rejection(decodeImage(input, config), code);

test('decodes every accepted format to 8-bit RGB of the same size', async () => {
  const upright = await decodeImage(FACE);
  assert.equal(upright.width, 600);
  assert.equal(upright.height, 800);
  assert.equal(upright.data.length, 600 * 800 * 3);
  const encoders: Record<string, (s: Sharp) => Sharp> = {
    png: (s) => s.png(),
    webp: (s) => s.webp({ quality: 95 }),
    tiff: (s) => s.tiff(),
    heif: (s) => s.avif({ quality: 80 }),
    gif: (s) => s.gif(),
  };
  for (const [format, encode] of Object.entries(encoders)) {
    const buf = await encode(sharp(FACE)).toBuffer();
    const img = await decodeImage(buf);
    assert.equal(img.source.format, format);
    assert.equal(img.width, 600, format);
    assert.equal(img.height, 800, format);
    // Same picture: mean absolute difference to the JPEG decode stays small (lossy formats differ a little).
    let diff = 0;
    for (let i = 0; i < img.data.length; i += 97) diff += Math.abs(img.data[i] - upright.data[i]);
    assert.ok(diff / (img.data.length / 97) < 12, `${format} differs by ${diff / (img.data.length / 97)}`);
  }
});

test('applies the EXIF orientation so a rotated phone photo comes out upright', async () => {
  const rotated = await exifRotatedJpeg(FACE);
  const raw = await sharp(rotated).metadata();
  assert.equal(raw.width, 800, 'the stored pixels are landscape');
  const img = await decodeImage(rotated);
  assert.equal(img.source.exifOrientation, 6);
  assert.equal(img.width, 600);
  assert.equal(img.height, 800);
});

test('greyscale input becomes RGB with a greyscale warning', async () => {
  const img = await decodeImage(dataPath('orl-faces', 'images', 's1_01.png'));
  assert.deepEqual([img.width, img.height], [23, 28]);
  assert.equal(img.data.length, 23 * 28 * 3);
  assert.ok(img.warnings.includes('greyscale'));
  assert.equal(img.data[0], img.data[1]);
});

test('a grey photo saved with three equal channels is greyscale too; a colour photo is not', async () => {
  const rgbGrey = await sharp(FACE).greyscale().toColourspace('srgb').jpeg().toBuffer();
  assert.equal((await sharp(rgbGrey).metadata()).channels, 3);
  assert.ok((await decodeImage(rgbGrey)).warnings.includes('greyscale'));
  // A small red mark (0.5 % of the pixels) on the grey photo leaves it grey.
  const mark = await sharp({
    create: { width: 40, height: 60, channels: 3, background: { r: 220, g: 20, b: 20 } },
  })
    .png()
    .toBuffer();
  const marked = await sharp(rgbGrey)
    .composite([{ input: mark, left: 10, top: 10 }])
    .jpeg()
    .toBuffer();
  assert.ok((await decodeImage(marked)).warnings.includes('greyscale'));
  assert.ok(!(await decodeImage(FACE)).warnings.includes('greyscale'));
});

test('alpha is flattened and 16-bit input is reduced to 8-bit', async () => {
  const rgba = await sharp(FACE).ensureAlpha(0.5).png().toBuffer();
  const img = await decodeImage(rgba);
  assert.ok(img.warnings.includes('alpha_flattened'));
  // An alpha channel that is opaque everywhere flattens to the same pixels: no warning.
  const opaque = await decodeImage(await sharp(FACE).ensureAlpha(1).png().toBuffer());
  assert.ok(!opaque.warnings.includes('alpha_flattened'), opaque.warnings.join(', '));
  assert.equal(img.data.length, 600 * 800 * 3);
  const deep = await sharp(FACE).toColourspace('rgb16').png().toBuffer();
  const d = await decodeImage(deep);
  assert.equal(d.data.length, 600 * 800 * 3);
});

test('large photos are downscaled to the working size and say so', async () => {
  const big = await sharp(FACE).resize(2400, 3200).jpeg().toBuffer();
  const img = await decodeImage(big);
  assert.equal(Math.max(img.width, img.height), 1600);
  assert.equal(img.source.height, 3200);
  assert.ok(Math.abs(img.scale - 0.5) < 1e-9);
  assert.ok(img.warnings.includes('downscaled'));
});

test('bad input gives its reason code, never a crash', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-'));
  const jpeg = await sharp(FACE).jpeg().toBuffer();
  const truncated = join(dir, 'truncated.jpg');
  await writeFile(truncated, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  const text = join(dir, 'notes.jpg');
  await writeFile(text, 'subject 12, follow-up visit\n');
  const empty = join(dir, 'empty.png');
  await writeFile(empty, '');

  const e1 = await rejectsWith(truncated, 'corrupt_image');
  assert.equal(e1.details.file, truncated);
  const e2 = await rejectsWith(text, 'unsupported_format');
  assert.match(e2.message, /text/);
  await rejectsWith(empty, 'empty_file');
  const e3 = await rejectsWith(pngClaiming(30000, 30000), 'too_large');
  assert.equal(e3.details.width, 30000);
  await rejectsWith(join(dir, 'absent.jpg'), 'file_not_found');
  await rejectsWith(jpeg, 'too_large', { maxBytes: 1000 });
  await rejectsWith(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'unsupported_format');
});

test('the content hash identifies the bytes', async () => {
  const a = await decodeImage(FACE);
  const b = await decodeImage(FACE);
  assert.match(a.source.sha256, /^[0-9a-f]{64}$/);
  assert.equal(a.source.sha256, b.source.sha256);
  const other = await decodeImage(dataPath('webmorph-canada', 'images', '008f.jpg'));
  assert.notEqual(a.source.sha256, other.source.sha256);
});
