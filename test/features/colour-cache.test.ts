import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeFace } from '../../src/face/index.js';
import {
  COLOUR_FEATURE_NAMES,
  COLOUR_FEATURES,
  computeColourFeatures,
  extractFeatures,
  FeatureCache,
} from '../../src/features/index.js';
import { dataPath } from '../helpers/data.js';

const FACE = dataPath('webmorph-canada', 'images', '003f.jpg');
const col = (name: string): number => COLOUR_FEATURE_NAMES.indexOf(name);

test('redder cheeks raise cheek a* and cheek-vs-forehead redness; a greyscale photo has no chromatic features', async () => {
  const a = await analyzeFace(FACE);
  const base = computeColourFeatures(a.aligned!);
  // Tint the lower half of the crop (cheeks, not forehead) towards red.
  const tinted = {
    ...a.aligned!,
    image: { ...a.aligned!.image, data: Uint8Array.from(a.aligned!.image.data) },
  };
  const { data, width } = tinted.image;
  for (let i = (width * width) / 2; i < width * width; i++) {
    data[3 * i] = Math.min(255, data[3 * i] + 25);
    data[3 * i + 1] = Math.max(0, data[3 * i + 1] - 10);
  }
  const red = computeColourFeatures(tinted);
  assert.ok(red[col('cheekA')] > base[col('cheekA')] + 5, `${red[col('cheekA')]} vs ${base[col('cheekA')]}`);
  assert.ok(red[col('cheekRednessVsForehead')] > base[col('cheekRednessVsForehead')] + 5);
  const grey = computeColourFeatures(a.aligned!, { greyscale: true });
  COLOUR_FEATURES.forEach((f, i) => assert.equal(Number.isNaN(grey[i]), f.chromatic, f.name));
});

test('the feature cache answers a second run without any model work, keyed by content not path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-cache-'));
  const cache = new FeatureCache(join(dir, 'features.sqlite'));
  const first = await extractFeatures(FACE, { sets: ['morphometrics', 'colour', 'faceres'], cache });
  assert.equal(first.fromCache, false);
  assert.equal(first.sets.faceres?.length, 1024);
  const second = await extractFeatures(FACE, { sets: ['morphometrics', 'colour', 'faceres'], cache });
  assert.equal(second.fromCache, true);
  assert.deepEqual([...second.sets.faceres!], [...first.sets.faceres!]);
  assert.deepEqual([...second.sets.morphometrics!], [...first.sets.morphometrics!]);
  assert.deepEqual(second.quality, first.quality);
  // The same bytes under another name are found too.
  const { readFile } = await import('node:fs/promises');
  const asBuffer = await extractFeatures(await readFile(FACE), { sets: ['colour'], cache });
  assert.equal(asBuffer.fromCache, true);
  // Another face configuration is another extractor version: a miss, not a stale hit.
  const other = await extractFeatures(FACE, {
    sets: ['morphometrics'],
    cache,
    face: { align: { size: 192 } },
  });
  assert.equal(other.fromCache, false);
  cache.close();
  // Reopening the file keeps everything.
  const reopened = new FeatureCache(join(dir, 'features.sqlite'));
  assert.ok(reopened.size() >= 5);
  reopened.close();
});
