import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  decodeSexAge,
  extractFeatures,
  FeatureCache,
  FEATURE_SET_NAMES,
  SEX_AGE_VERSION,
  sexAgeVersion,
} from '../../src/features/index.js';
import { dataPath } from '../helpers/data.js';

/** Studio faces with their labelled (self-reported) sex. */
const FACES = [
  { path: dataPath('webmorph-3dsk', 'images', 'female_agata.jpg'), sex: 'female' },
  { path: dataPath('webmorph-3dsk', 'images', 'male_alex.jpg'), sex: 'male' },
  { path: dataPath('webmorph-canada', 'images', '008f.jpg'), sex: 'female' },
  { path: dataPath('webmorph-canada', 'images', '095m.jpg'), sex: 'male' },
] as const;

test('the decoding is pinned to its cache version: change one, bump the other', () => {
  const ages = new Float32Array(100);
  ages[30] = 0.6;
  ages[31] = 0.25;
  ages[29] = 0.15;
  // The age head's expected value (research/sex-age-estimates/report.md compares decodings).
  assert.deepEqual(decodeSexAge(0.8, ages), { sex: 'male', maleProbability: 0.8, age: 30.1 });
  assert.equal(decodeSexAge(0.5, ages)?.sex, 'female');
  assert.equal(decodeSexAge(NaN, ages), undefined);
  assert.equal(SEX_AGE_VERSION, 'sexage@2', 'the decoding changed: bump SEX_AGE_VERSION and this test');
  assert.match(sexAgeVersion(), /^sexage@2\+faceres\+@vladmandic\/human-models@\d/);
  // Not a feature set a screen could be trained on.
  assert.ok(!(FEATURE_SET_NAMES as readonly string[]).some((s) => /sex|age/i.test(s)));
});

test('FaceRes estimates the labelled sex of studio faces, in the faceres descriptor’s own execution, and the cache keeps it', async () => {
  const cache = new FeatureCache(join(await mkdtemp(join(tmpdir(), 'endoface-sexage-')), 'f.sqlite'));
  for (const face of FACES) {
    const withFaceres = await extractFeatures(face.path, { sets: ['faceres'], sexAge: true, cache });
    const e = withFaceres.sexAge;
    assert.ok(e, face.path);
    assert.equal(e.sex, face.sex, `${face.path}: P(male) ${e.maleProbability}`);
    assert.ok(Math.abs(e.maleProbability - 0.5) > 0.3, `${face.path}: P(male) ${e.maleProbability}`);
    assert.ok(e.age >= 15 && e.age <= 40, `${face.path}: age ${e.age}`);
    // The descriptor from the shared execution is the one extracted alone.
    const alone = await extractFeatures(face.path, { sets: ['faceres'] });
    assert.equal(alone.sexAge, undefined);
    assert.deepEqual([...withFaceres.sets.faceres!], [...alone.sets.faceres!]);
    // Without the faceres set, the estimate runs on its own and is the same.
    const estimateOnly = await extractFeatures(face.path, { sets: ['morphometrics'], sexAge: true });
    assert.deepEqual(estimateOnly.sexAge, e);
    // The cache answers it, and a cache entry without the estimate is not taken for one with it.
    const cached = await extractFeatures(face.path, { sets: ['faceres'], sexAge: true, cache });
    assert.equal(cached.fromCache, true);
    assert.deepEqual(cached.sexAge, e);
  }
  const other = new FeatureCache(':memory:');
  await extractFeatures(FACES[0].path, { sets: ['morphometrics'], cache: other });
  const asked = await extractFeatures(FACES[0].path, { sets: ['morphometrics'], sexAge: true, cache: other });
  assert.equal(asked.fromCache, false);
  assert.equal(asked.sexAge?.sex, 'female');
  cache.close();
  other.close();
});
