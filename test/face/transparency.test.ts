import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { analyzeFace } from '../../src/face/index.js';
import { dataPath } from '../helpers/data.js';

const FACE = dataPath('webmorph-canada', 'images', '003f.jpg');

test('a photo with transparent parts is analysed with a "transparent" quality warning; an opaque alpha channel is not', async () => {
  const { width, height } = await sharp(FACE).metadata();
  // The left quarter fully transparent: flattened onto grey, which the user should hear about.
  const alpha = Buffer.alloc(width! * height!, 255);
  for (let y = 0; y < height!; y++) alpha.fill(0, y * width!, y * width! + Math.floor(width! / 4));
  const holed = await sharp(FACE)
    .joinChannel(alpha, { raw: { width: width!, height: height!, channels: 1 } })
    .png()
    .toBuffer();
  const a = await analyzeFace(holed);
  assert.equal(a.faces.length, 1);
  const reason = a.quality.reasons.find((r) => r.code === 'transparent');
  assert.equal(reason?.severity, 'warn', JSON.stringify(a.quality.reasons));
  assert.notEqual(a.quality.status, 'pass');

  const opaque = await analyzeFace(await sharp(FACE).ensureAlpha(1).png().toBuffer());
  assert.ok(
    !opaque.quality.reasons.some((r) => r.code === 'transparent'),
    JSON.stringify(opaque.quality.reasons),
  );
  assert.equal(opaque.quality.status, 'pass');
});

test('an animated GIF is analysed on its first frame, with an "animated" quality warning', async () => {
  const frame = await sharp(FACE).resize(400).png().toBuffer();
  const other = await sharp(frame).flop().png().toBuffer();
  const gif = await sharp([frame, other], { join: { animated: true } })
    .gif()
    .toBuffer();
  assert.equal((await sharp(gif).metadata()).pages, 2);
  const a = await analyzeFace(gif);
  assert.equal(a.faces.length, 1);
  assert.equal(a.quality.reasons.find((r) => r.code === 'animated')?.severity, 'warn');
  const webp = await analyzeFace(await sharp(gif, { animated: true }).webp().toBuffer());
  assert.equal(webp.quality.reasons.find((r) => r.code === 'animated')?.severity, 'warn');
  const still = await analyzeFace(await sharp(frame).gif().toBuffer());
  assert.ok(!still.quality.reasons.some((r) => r.code === 'animated'), JSON.stringify(still.quality.reasons));
});
