import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runScreen } from '../../src/jobs/index.js';
import { dataPath } from '../helpers/data.js';

const WOMAN = dataPath('webmorph-3dsk', 'images', 'female_agata.jpg');
const MAN = dataPath('webmorph-canada', 'images', '095m.jpg');

test('screen: without sex and age the face network’s estimate chooses the reference group and says so; given values are never overridden', async () => {
  const estimated = await runScreen({ inputs: [WOMAN, MAN], explain: 'none', cache: false });
  const [woman, man] = estimated.results;
  for (const r of [woman, man]) {
    assert.equal(r.referenceGroup?.sexFrom, 'estimated', r.file);
    assert.equal(r.referenceGroup?.ageFrom, 'estimated', r.file);
    assert.equal(r.reference, `${r.referenceGroup?.description} (n = ${r.referenceGroup?.n})`);
  }
  assert.equal(woman.referenceGroup?.sex, 'female');
  assert.equal(man.referenceGroup?.sex, 'male');
  assert.match(woman.reference ?? '', /^normal women aged/);
  assert.ok(woman.referenceGroup?.estimate && woman.referenceGroup.estimate.maleProbability < 0.5);

  // The request's values win over the estimate, even against it.
  const given = await runScreen({ inputs: [MAN], explain: 'none', cache: false, sex: 'female', age: 50 });
  const g = given.results[0].referenceGroup;
  assert.deepEqual([g?.sex, g?.sexFrom, g?.age, g?.ageFrom], ['female', 'request', 50, 'request']);
  assert.equal(g?.estimate, undefined);
  assert.match(given.results[0].reference ?? '', /^normal women aged 45–59/);

  // Per field: the manifest's sex, the estimated age.
  const dir = await mkdtemp(join(tmpdir(), 'endoface-reference-'));
  await writeFile(join(dir, 'manifest.csv'), `file,sex\n${MAN},m\n`);
  const mixed = await runScreen({ inputs: [join(dir, 'manifest.csv')], explain: 'none', cache: false });
  const m = mixed.results[0].referenceGroup;
  assert.deepEqual([m?.sexFrom, m?.ageFrom], ['manifest', 'estimated']);
});
