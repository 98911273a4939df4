import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { COLOUR_FEATURE_NAMES, extractorVersions, MORPHOMETRIC_NAMES } from '../../src/features/index.js';
import { EndofaceError } from '../../src/core/errors.js';
import {
  assessNormative,
  DISCLAIMER,
  fitNormativeModel,
  loadBundle,
  percentileOf,
  type BundleMetadata,
  type NormativeSample,
} from '../../src/model/index.js';
import { createRandom } from '../../src/stats/index.js';
import { saveBundle } from '../../src/jobs/index.js';

/** Synthetic normal faces: every feature ~ N(1 + 0.1·sex, 0.05²), descriptors near a 3-d subspace. */
function normals(n: number, seed = 1): NormativeSample[] {
  const rnd = createRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd.next())) * Math.cos(2 * Math.PI * rnd.next());
  return Array.from({ length: n }, (_, i) => {
    const male = i % 2 === 0;
    const base = 1 + (male ? 0.1 : 0);
    const latent = [gauss(), gauss(), gauss()];
    return {
      sex: male ? 'male' : 'female',
      age: 20 + (i % 50),
      morphometrics: MORPHOMETRIC_NAMES.map(() => base + 0.05 * gauss()),
      colour: COLOUR_FEATURE_NAMES.map(() => base + 0.05 * gauss()),
      descriptor: Array.from({ length: 32 }, (_, j) => latent[j % 3] * (1 + j / 32) + 0.01 * gauss()),
    };
  });
}

test('the normative model gives z-scores against the right sex, and points at the deviating region', () => {
  const model = fitNormativeModel(normals(400), {
    descriptorSet: 'faceres',
    descriptorRank: 3,
    minStratumSize: 30,
  });
  assert.equal(model.summary.n, 400);
  const typicalMan = normals(1, 99)[0];
  const a = assessNormative(model, { ...typicalMan, sex: 'male', age: 30 });
  assert.equal(a.reference.stratum, 'male|30-44');
  assert.equal(a.reference.fallback, false);
  assert.ok(
    a.features.every((f) => Math.abs(f.z) < 5),
    'a typical face is not extreme',
  );
  // The same face judged against women is shifted by +0.1 / 0.05 ≈ +2 SD in every feature.
  const asWoman = assessNormative(model, { ...typicalMan, sex: 'female', age: 30 });
  const meanShift = asWoman.features.reduce((s, f, j) => s + f.z - a.features[j].z, 0) / a.features.length;
  assert.ok(meanShift > 1.5 && meanShift < 2.6, `shift ${meanShift}`);

  // A wide nose (+6 SD on the nose measures) makes the nose the top region and raises the acromegaly-like score.
  const wide = { ...typicalMan, morphometrics: [...(typicalMan.morphometrics as number[])] };
  for (const name of [
    'noseWidthToInterocular',
    'alarBaseWidthToInterocular',
    'noseWidthToMouthWidth',
    'noseAreaToInterocular2',
  ]) {
    wide.morphometrics[MORPHOMETRIC_NAMES.indexOf(name)] = 1.1 + 6 * 0.05;
  }
  const w = assessNormative(model, { ...wide, sex: 'male', age: 30 });
  const top = [...w.regions].sort((x, y) => y.score - x.score)[0];
  assert.equal(top.region, 'nose');
  assert.ok(w.conditions.acromegaly.percentile > 95, `${w.conditions.acromegaly.percentile}`);
  assert.ok(w.conditions.acromegaly.score > a.conditions.acromegaly.score);
  const nose = w.features.find((f) => f.name === 'morphometrics.noseWidthToInterocular')!;
  assert.ok(nose.percentile > 99.9);

  // A descriptor far from the normal subspace has a high residual percentile.
  const odd = assessNormative(model, {
    ...typicalMan,
    descriptor: Array.from({ length: 32 }, (_, j) => (j % 2 ? 3 : -3)),
  });
  assert.ok(odd.descriptor!.residualPercentile > 99);
});

test('a stratum smaller than the minimum falls back to a coarser reference, and says so', () => {
  const model = fitNormativeModel(normals(100), { minStratumSize: 60 });
  const a = assessNormative(model, { ...normals(1)[0], sex: 'female', age: 25 });
  assert.equal(a.reference.fallback, true);
  assert.equal(a.reference.stratum, 'all|all');
});

test('percentileOf interpolates a quantile table and clamps outside it', () => {
  const table = Array.from({ length: 101 }, (_, p) => p / 10);
  assert.equal(percentileOf(table, 5), 50);
  assert.ok(Math.abs(percentileOf(table, 2.55) - 25.5) < 1e-9);
  assert.equal(percentileOf(table, -1), 0);
  assert.equal(percentileOf(table, 99), 100);
});

function metadata(): BundleMetadata {
  return {
    schemaVersion: 1,
    name: 'test',
    version: '0.0.1',
    changelog: { '0.0.1': 'test' },
    task: 'normative',
    description: 'test bundle',
    intendedUse: 'tests',
    disclaimer: DISCLAIMER,
    extractors: extractorVersions(),
    preprocessing: { alignment: 'a', quality: 'q' },
    trainingData: {
      description: 'synthetic',
      sources: [{ name: 'synthetic', licence: 'none' }],
      photos: 100,
      subjects: 100,
      byLabel: { normal: 100 },
      hash: 'x',
    },
    normative: { file: 'normative.json', summary: { n: 100, bySex: {}, byAgeBand: {} } },
    screens: [],
    createdAt: new Date(0).toISOString(),
    softwareVersion: '0.0.0',
    files: {},
  };
}

test('bundles round-trip, and loading refuses a schema or extractor mismatch and an edited file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-bundle-'));
  const normative = fitNormativeModel(normals(100));
  await saveBundle(join(dir, 'b'), { metadata: metadata(), normative, screens: {} });
  const loaded = await loadBundle(join(dir, 'b'));
  assert.deepEqual(loaded.normative, JSON.parse(JSON.stringify(normative)));
  assert.match(loaded.metadata.files['normative.json'], /^[0-9a-f]{64}$/);
  await assert.rejects(saveBundle(join(dir, 'b'), { metadata: metadata(), normative, screens: {} }), {
    code: 'bundle_exists',
  });

  const tamper = async (name: string, edit: (m: BundleMetadata) => void): Promise<string> => {
    const d = join(dir, name);
    await cp(join(dir, 'b'), d, { recursive: true });
    const m = JSON.parse(await readFile(join(d, 'metadata.json'), 'utf8')) as BundleMetadata;
    edit(m);
    await writeFile(join(d, 'metadata.json'), JSON.stringify(m));
    return d;
  };
  const check = async (d: string, code: string, pattern: RegExp): Promise<void> => {
    await assert.rejects(
      loadBundle(d),
      (e: unknown) => e instanceof EndofaceError && e.code === code && pattern.test(e.message),
    );
  };
  await check(
    await tamper('schema', (m) => (m.schemaVersion = 99)),
    'bundle_schema_mismatch',
    /schema version 99/,
  );
  await check(
    await tamper('extractor', (m) => (m.extractors.morphometrics = 'morphometrics@0')),
    'extractor_version_mismatch',
    /morphometrics = morphometrics@0/,
  );
  await check(
    await tamper('fields', (m) => delete (m as Partial<BundleMetadata>).intendedUse),
    'invalid_bundle',
    /missing "intendedUse"/,
  );
  const edited = join(dir, 'edited');
  await cp(join(dir, 'b'), edited, { recursive: true });
  await writeFile(join(edited, 'normative.json'), JSON.stringify({ ...normative, minStratumSize: 1 }));
  await check(edited, 'invalid_bundle', /does not match its hash/);
  await check(join(dir, 'nothing'), 'file_not_found', /no such folder/);
  await check(dir, 'bundle_not_found', /not a model bundle/);
});

test('sex and age are read from manifest covariates; blank or unreadable values are missing, not 0', async () => {
  const { sexAgeOf } = await import('../../src/model/index.js');
  assert.deepEqual(sexAgeOf({ sex: ' F ', age: '42' }), { sex: 'female', age: 42 });
  assert.deepEqual(sexAgeOf({ sex: 'Male', age: '' }), { sex: 'male', age: undefined });
  assert.deepEqual(sexAgeOf({ sex: 'unknown', age: 'forty' }), { sex: undefined, age: undefined });
  assert.deepEqual(sexAgeOf({}), { sex: undefined, age: undefined });
});

test('unusable sex and age values are left out with a warning naming them; column names in any case', async () => {
  const { readSexAge } = await import('../../src/model/index.js');
  const codes = (w: { code: string }[]) => w.map((x) => x.code);
  assert.deepEqual(readSexAge({ Sex: 'Woman', AGE: ' 42 ' }), { sex: 'female', age: 42, warnings: [] });
  assert.deepEqual(readSexAge({ sex: '', age: '' }), { sex: undefined, age: undefined, warnings: [] });
  const bad = readSexAge({ sex: 'x', age: '250' });
  assert.deepEqual([bad.sex, bad.age], [undefined, undefined]);
  assert.deepEqual(codes(bad.warnings), ['invalid_covariate', 'invalid_covariate']);
  assert.match(bad.warnings[0].message, /"x"/);
  assert.match(bad.warnings[1].message, /"250"/);
  assert.equal(readSexAge({ age: '-5' }).age, undefined);
  assert.equal(readSexAge({ age: 'abc' }).warnings.length, 1);
  // A minor's age is kept (it is real) but the adult reference is said to be used.
  const minor = readSexAge({ sex: 'm', age: '12' });
  assert.deepEqual([minor.sex, minor.age], ['male', 12]);
  assert.match(minor.warnings[0].message, /adults/);
});
