import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { runPredict } from '../../src/jobs/index.js';

const predictPhotos = async (request: Parameters<typeof runPredict>[0]) =>
  (await runPredict(request)).predictions;

const MODEL = join(import.meta.dirname, '..', '..', 'models', 'default');
const PHOTO = join(import.meta.dirname, '..', '..', 'examples', 'male_alex.jpg');

test('a greyscale photo: the screen that needs skin colour is withheld with a reason, the others are scored', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-grey-'));
  const grey = join(dir, 'grey.jpg');
  await sharp(PHOTO).greyscale().jpeg({ quality: 95 }).toFile(grey);
  const [colour, mono] = await predictPhotos({ model: MODEL, inputs: [PHOTO, grey] });

  // The colour photo: both screens scored (a few colour-layout cells may be missing, not enough to matter).
  assert.ok(colour.scored);
  assert.deepEqual(Object.keys(colour.screens).sort(), ['acromegaly', 'cushing']);
  assert.equal(colour.withheld, undefined);
  if (colour.screens.cushing.missingFeatures) assert.ok(colour.screens.cushing.missingFeatures.stable);

  // The greyscale photo: the Cushing's screen (skin colour features) would otherwise be a guess.
  assert.ok(mono.scored);
  assert.ok(mono.quality?.reasons.some((r) => r.code === 'greyscale'));
  assert.equal(mono.screens.cushing, undefined);
  const w = mono.withheld?.cushing;
  assert.equal(w?.code, 'features_missing');
  assert.ok(w!.missingFeatures.missing.length > 20, String(w!.missingFeatures.missing.length));
  assert.match(w!.message, /greyscale/);
  assert.ok(mono.screens.acromegaly.probability !== undefined);
  assert.ok(mono.normative, 'the normative score (shape) is still given');
});

test('a photo with an infinite feature is not scored (invalid_feature); the others still are', async () => {
  const { FeatureCache, computeFeatures, storeFeatures } = await import('../../src/features/index.js');
  const { readFile } = await import('node:fs/promises');
  const bundle = await (await import('../../src/model/index.js')).loadBundle(MODEL);
  const sets = [
    ...new Set(bundle.metadata.screens.flatMap((s) => s.featureSets)),
    'morphometrics',
    'colour',
    'faceres',
  ] as const;
  const other = join(import.meta.dirname, '..', '..', 'examples', 'female_agata.jpg');
  // A cache entry whose first morphometric is infinite, as a degenerate measurement would give
  // (with the sex and age estimate the job asks for when no sex or age is given).
  const cache = new FeatureCache(':memory:');
  const f = await computeFeatures(await readFile(PHOTO), { sets: [...new Set(sets)], sexAge: true }, PHOTO);
  f.sets.morphometrics = Float64Array.from(f.sets.morphometrics!, (v, i) => (i === 0 ? Infinity : v));
  storeFeatures(cache, f);
  const [bad, good] = await predictPhotos({ model: bundle, inputs: [PHOTO, other], cache });
  assert.equal(bad.scored, false);
  assert.equal(bad.notScored?.code, 'invalid_feature');
  assert.match(bad.notScored?.message ?? '', /^morphometrics has an infinite value/);
  assert.ok(good.scored && good.screens.cushing.probability !== undefined);
  cache.close();
});
