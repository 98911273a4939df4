import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PhotoExplanation } from '../../src/explain/index.js';
import { runCli } from '../helpers/cli.js';
import { dataPath } from '../helpers/data.js';
import { craftedBundle, randomWeights } from './helpers.js';
import { saveBundle } from '../../src/jobs/index.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

test('endoface explain writes overlay PNGs, a JSON per photo with ranked regions, the cohort and the agreement', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-explain-'));
  const model = join(dir, 'bundle');
  await saveBundle(
    model,
    craftedBundle(['morphometrics', 'colour'], randomWeights(['morphometrics', 'colour'], 11, 0.3)),
  );
  const manifest = join(dir, 'photos.csv');
  await writeFile(
    manifest,
    `file,subject_id,label,sex,age\n${dataPath('webmorph-canada', 'images', '003f.jpg')},s1,case,female,19\nmissing.jpg,s2,case,male,40\n`,
  );
  const roi = join(dir, 'roi.csv');
  await writeFile(
    roi,
    'condition,region,rank\nacromegaly,nose,1\nacromegaly,jaw,2\nacromegaly,lips,3\nacromegaly,eyes,4\n',
  );
  const out = join(dir, 'out');
  const r = runCli([
    'explain',
    '--model',
    model,
    manifest,
    dataPath('webmorph-3dsk', 'images', 'male_alex.jpg'),
    // Eyes masked by black bars in the source: quality reject, not explained by default.
    dataPath('disease-examples', 'images', 'acromegaly_commons_frontal_and_profile.jpg'),
    '--out',
    out,
    '--workers',
    '0',
    '--human-roi',
    roi,
    '--condition',
    'acromegaly',
    '--bootstrap',
    '100',
  ]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Research software/);
  assert.match(r.stdout, /missing\.jpg {2}not explained: file_not_found/);
  assert.match(r.stdout, /profile\.jpg {2}not explained: quality_rejected: quality reject \(eyes_occluded/);
  assert.match(r.stdout, /agreement with experts \(acromegaly, 4 regions\)/);
  for (const stem of ['webmorph-canada__images__003f', 'webmorph-3dsk__images__male_alex']) {
    const e = JSON.parse(await readFile(join(out, `${stem}.json`), 'utf8')) as PhotoExplanation;
    assert.equal(e.regions.regions.length, 14);
    assert.deepEqual(
      e.regions.regions.map((x) => x.rank),
      Array.from({ length: 14 }, (_, i) => i + 1),
    );
    for (let i = 1; i < 14; i++)
      assert.ok(e.regions.regions[i - 1].importance >= e.regions.regions[i].importance);
    assert.equal(e.heatmap?.values.length, 49);
    assert.equal(e.saliency?.available, false, 'no descriptor in this screen');
    assert.ok(e.sanity && e.sanity.deletion.mostImportantFirst.length === 15);
    assert.match(e.masking.handCraftedFeatures, /training-mean/);
    for (const fig of ['regions', 'heatmap'])
      assert.deepEqual((await readFile(join(out, `${stem}.${fig}.png`))).subarray(0, 4), PNG);
    assert.equal(existsSync(join(out, `${stem}.saliency.png`)), false);
  }
  for (const f of ['explanations.csv', 'cohort.json', 'agreement.json', 'agreement.png', 'agreement.vl.json'])
    assert.ok(existsSync(join(out, f)), f);
  const csv = await readFile(join(out, 'explanations.csv'), 'utf8');
  const lines = csv.trim().split('\n');
  assert.equal(lines.length, 5, 'header, two photos, two failures');
  // Each explained photo says how clearly its first region leads, and calls it decisive from 1.5 logits.
  const header = lines[0].split(',');
  const [lead, decisive] = [header.indexOf('lead_logit'), header.indexOf('decisive')];
  assert.ok(lead > 0 && decisive > 0, header.join(','));
  for (const row of lines.slice(1, 3).map((l) => l.split(','))) {
    assert.ok(Number(row[lead]) >= 0, row.join(','));
    assert.equal(row[decisive], String(Number(row[lead]) >= 1.5));
  }
  assert.match(
    r.stdout,
    /\((clearly leads|no clear lead): ahead of \w+ by \d+\.\d\d on the log-odds scale\)/,
  );

  const bad = runCli([
    'explain',
    '--model',
    model,
    manifest,
    '--out',
    out,
    '--screen',
    'crafed',
    '--workers',
    '0',
  ]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /invalid_option: --screen="crafed" is not valid; did you mean "crafted"\?/);
});
