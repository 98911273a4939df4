/** Bad input found by an adversarial sweep: strips, damaged JPEGs, files that cannot be read. */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { extractFeatures, readPhotoBytes } from '../../src/features/extract.js';
import { decodeImage } from '../../src/image/index.js';
import { fileReadError } from '../../src/io/read-error.js';
import { rejection } from '../helpers/errors.js';

const PHOTO = new URL('../../examples/male_alex.jpg', import.meta.url).pathname;

/** The JPEG with `length` bytes of its compressed data overwritten, `at` (0–1) of the way from SOS to the end. */
function damagedJpeg(jpeg: Buffer, at: number, length = 512): Buffer {
  const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  assert.ok(sos > 0, 'the JPEG has a start-of-scan marker');
  const out = Buffer.from(jpeg);
  out.fill(
    0xa5,
    Math.floor(sos + (jpeg.length - sos) * at),
    Math.floor(sos + (jpeg.length - sos) * at) + length,
  );
  return out;
}

const grey = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .png()
    .toBuffer();

test('a strip of an image is refused for its shape, never a crash', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-'));
  const strip = join(dir, 'strip.png');
  await writeFile(strip, await grey(6000, 2));
  const e = await rejection(decodeImage(strip), 'extreme_aspect_ratio');
  assert.equal(e.details.file, strip);
  assert.deepEqual([e.details.width, e.details.height], [6000, 2]);
  assert.match(e.message, /6000×2/);
  await rejection(decodeImage(await grey(1, 4000)), 'extreme_aspect_ratio');
  // A panorama-shaped photo is not a strip.
  const pano = await decodeImage(await grey(4000, 500));
  assert.deepEqual([pano.width, pano.height], [1600, 200]);
});

test('no downscale makes a side of 0 pixels', async () => {
  // 200×10 at a working side of 5 would be 5×0.25: the short side keeps 1 pixel.
  const img = await decodeImage(await grey(200, 10), { maxWorkingSide: 5 });
  assert.deepEqual([img.width, img.height], [5, 1]);
  assert.equal(img.data.length, 5 * 3);
  assert.ok(img.warnings.includes('downscaled'));
});

test('a JPEG with damaged compressed data is corrupt_image; the intact photo decodes', async () => {
  const jpeg = await readFile(PHOTO);
  const intact = await decodeImage(jpeg);
  assert.deepEqual([intact.width, intact.height], [600, 800]);

  const dir = await mkdtemp(join(tmpdir(), 'endoface-'));
  for (const at of [0.3, 0.5, 0.9]) {
    const bad = damagedJpeg(jpeg, at);
    // libjpeg only warns (and fills the rest with grey): a laxer decode than endoface's takes it.
    await sharp(bad, { failOn: 'error' }).raw().toBuffer();
    const file = join(dir, `damaged-${at}.jpg`);
    await writeFile(file, bad);
    const e = await rejection(decodeImage(file), 'corrupt_image');
    assert.equal(e.details.file, file);
    assert.match(e.message, /is damaged/);
    assert.equal(e.message.split('Corrupt JPEG data').length, 2, `libvips' reason once: ${e.message}`);
  }
  // The same through the downscaling path (a photo larger than the working size).
  assert.equal((await decodeImage(jpeg, { maxWorkingSide: 400 })).width, 300);
  await rejection(decodeImage(damagedJpeg(jpeg, 0.5), { maxWorkingSide: 400 }), 'corrupt_image');
  // A damaged header says so too, with libjpeg's repeated lines given once.
  const header = await rejection(decodeImage(jpeg.subarray(0, 200)), 'corrupt_image');
  assert.match(header.message, /is damaged/);
  assert.ok(
    !/(premature end of JPEG image).*\1/.test(header.message),
    `no repeated lines: ${header.message}`,
  );
});

test('a JPEG whose decoder warning leaves the pixels intact (Samsung cameras’ SOS parameters) still decodes', async () => {
  const jpeg = Buffer.from(await readFile(PHOTO));
  // A baseline JPEG's scan header says its spectral selection ends at 63; such cameras write 0.
  const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  const se = sos + 5 + 2 * jpeg[sos + 4] + 1;
  assert.equal(jpeg[se], 63);
  jpeg[se] = 0;
  await assert.rejects(sharp(jpeg, { failOn: 'warning' }).raw().toBuffer(), /Invalid SOS parameters/);
  const [odd, intact] = await Promise.all([decodeImage(jpeg), decodeImage(PHOTO)]);
  assert.deepEqual(odd.data, intact.data);
});

test('too_large names the file a buffer was read from', async () => {
  const e = await rejection(decodeImage(await readFile(PHOTO), { maxBytes: 1000 }), 'too_large');
  assert.match(e.message, /^image buffer is \d+ bytes; the limit is 1000$/);
  // The feature stage reads the bytes itself and names them after the file.
  const named = await rejection(
    extractFeatures(PHOTO, { sets: [], face: { image: { maxBytes: 1000 } } }),
    'too_large',
  );
  assert.match(named.message, new RegExp(`^${PHOTO} is \\d+ bytes; the limit is 1000$`));
  assert.equal(named.details.file, PHOTO);
});

test('a file that cannot be read says why: absent, a folder, or permission denied', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-'));
  const absent = join(dir, 'absent.jpg');
  const folder = join(dir, 'photos.jpg');
  await mkdir(folder);
  for (const read of [decodeImage, readPhotoBytes] as ((f: string) => Promise<unknown>)[]) {
    const a = await rejection(read(absent), 'file_not_found');
    assert.equal(a.message, `no such file: ${absent}`);
    assert.equal(a.details.file, absent);
    const f = await rejection(read(folder), 'file_not_found');
    assert.equal(f.message, `${folder} is a folder, not a photo`);
  }
  // The errno of a failed read decides the code (root reads any file, so it is simulated here).
  const denied = (code: string) =>
    Object.assign(new Error(`${code}: permission denied, open '/x.jpg'`), { code, errno: -13 });
  for (const errno of ['EACCES', 'EPERM']) {
    const e = fileReadError(denied(errno), '/x.jpg');
    assert.equal(e.code, 'file_not_readable');
    assert.equal(e.message, '/x.jpg cannot be read: permission denied');
    assert.deepEqual(e.details, { file: '/x.jpg', errno });
  }
  assert.equal(
    fileReadError(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }), '/x.jpg').code,
    'file_not_readable',
  );
  assert.equal(
    fileReadError(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }), '/x.jpg').code,
    'file_not_found',
  );
});

test(
  'a photo without read permission is file_not_readable',
  { skip: process.getuid?.() === 0 && 'root reads any file' },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'endoface-'));
    const locked = join(dir, 'locked.jpg');
    await writeFile(locked, await readFile(PHOTO));
    await chmod(locked, 0o000);
    for (const read of [decodeImage, readPhotoBytes] as ((f: string) => Promise<unknown>)[]) {
      const e = await rejection(read(locked), 'file_not_readable');
      assert.equal(e.message, `${locked} cannot be read: permission denied`);
    }
  },
);
