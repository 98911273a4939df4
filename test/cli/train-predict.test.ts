import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { dataPath, studioFaces } from '../helpers/data.js';

/**
 * End to end on real faces: train a sex screen on the 140 studio faces (the descriptor separates
 * sex almost perfectly on frontal studio photos; issue 3 expects AUC ≥ 0.95), then predict and evaluate.
 */
test('train → bundle → predict → evaluate on the studio faces (sex screen)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-train-'));
  const manifest = join(dir, 'studio.csv');
  const rows = studioFaces().map(
    (f) => `${f.path},${f.set}:${f.faceId},${f.sex},${f.sex === 'male' ? 'M' : 'F'}`,
  );
  await writeFile(manifest, ['file,subject_id,label,sex', ...rows].join('\n') + '\n');
  // The same photos in three classes (3DSK women, 3DSK men, the Canadian set) for the multi-class model.
  const three = join(dir, 'three.csv');
  const threeRows = studioFaces().map(
    (f) => `${f.path},${f.set}:${f.faceId},${f.set === 'webmorph-canada' ? 'canada' : `3dsk_${f.sex}`}`,
  );
  await writeFile(three, ['file,subject_id,label', ...threeRows].join('\n') + '\n');
  const cache = join(dir, 'cache.sqlite');
  const bundle = join(dir, 'bundle');

  const t = runCli([
    'train',
    '--data',
    manifest,
    '--task',
    'sex',
    '--positive',
    'male',
    '--negative',
    'female',
    '--out',
    bundle,
    '--cache',
    cache,
    '--workers',
    '2',
  ]);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /140 photos of 140 subjects analysed/);
  const meta = JSON.parse(await readFile(join(bundle, 'metadata.json'), 'utf8'));
  const auc = meta.screens[0].metrics.auc;
  assert.ok(auc.estimate >= 0.95, `AUC ${auc.estimate}`);
  assert.ok(auc.lower > 0.9 && auc.upper <= 1);
  assert.deepEqual(meta.screens[0].classes, ['female', 'male']);
  assert.equal(meta.trainingData.photos, 140);
  assert.match(meta.trainingData.hash, /^[0-9a-f]{64}$/);
  assert.match(meta.disclaimer, /not a medical device/);
  const oof = (await readFile(join(bundle, 'oof-predictions.csv'), 'utf8')).trim().split('\n');
  assert.equal(oof.length, 141);
  assert.match(oof[0], /^image,subject,label,score,fold,quality,sex$/);

  // Training again on the same photos reads every feature from the cache.
  const again = runCli([
    'train',
    '--data',
    manifest,
    '--task',
    'sex',
    '--positive',
    'male',
    '--negative',
    'female',
    '--out',
    bundle,
    '--cache',
    cache,
    '--overwrite',
  ]);
  assert.equal(again.status, 0, again.stderr);
  const meta2 = JSON.parse(await readFile(join(bundle, 'metadata.json'), 'utf8'));
  assert.equal(meta2.screens[0].metrics.auc.estimate, auc.estimate, 'deterministic with the default seed');

  // Predict: studio photos are scored, the eye-barred photo and a non-face are listed, not scored.
  const predCsv = join(dir, 'pred.csv');
  const p = runCli([
    'predict',
    '--model',
    bundle,
    '--csv',
    predCsv,
    '--cache',
    cache,
    dataPath('webmorph-canada', 'images', '095m.jpg'),
    dataPath('webmorph-3dsk', 'images', 'female_agata.jpg'),
    dataPath('disease-examples', 'images', 'acromegaly_commons_frontal_crop.jpg'),
    dataPath('skimage-samples', 'lfw_subset', 'nonface_100.png'),
  ]);
  assert.equal(p.status, 0, p.stderr);
  assert.match(p.stdout, /095m\.jpg\s+\[pass\]\s+sex (0\.9\d+|1\.000) \(threshold 0\.\d{3}\) → male/);
  assert.match(p.stdout, /female_agata\.jpg\s+\[pass\]\s+sex 0\.0\d+ \(threshold 0\.\d{3}\) → female/);
  assert.match(
    p.stdout,
    /acromegaly_commons_frontal_crop\.jpg\s+\[reject\]\s+not scored — quality_rejected: quality reject \(eyes_occluded\)/,
  );
  assert.match(p.stdout, /nonface_100\.png\s+\[reject\]\s+not scored — no_face/);
  const pred = (await readFile(predCsv, 'utf8')).trim().split('\n');
  assert.equal(pred.length, 5);

  // A three-class model on the same (cached) features.
  const m3 = runCli([
    'train',
    '--data',
    three,
    '--task',
    'set',
    '--classes',
    '3dsk_female,3dsk_male,canada',
    '--out',
    join(dir, 'three'),
    '--cache',
    cache,
  ]);
  assert.equal(m3.status, 0, m3.stderr);
  const oof3 = (await readFile(join(dir, 'three', 'oof-predictions.csv'), 'utf8')).trim().split('\n');
  assert.match(oof3[0], /^image,subject,label,p_3dsk_female,p_3dsk_male,p_canada,fold,quality$/);
  // Each photo's most probable class is its own for most photos (3DSK and Canada differ in sex and studio).
  const correct = oof3.slice(1).filter((line) => {
    const f = line.split(',');
    const p = [Number(f[3]), Number(f[4]), Number(f[5])];
    return ['3dsk_female', '3dsk_male', 'canada'][p.indexOf(Math.max(...p))] === f[2];
  }).length;
  assert.ok(correct / 140 > 0.85, `3-class accuracy ${correct / 140}`);

  // The out-of-fold predictions are the input of evaluate.
  const e = runCli([
    'evaluate',
    '--predictions',
    join(bundle, 'oof-predictions.csv'),
    '--by',
    'sex',
    '--out',
    join(dir, 'eval'),
    '--bootstrap',
    '200',
  ]);
  assert.equal(e.status, 0, e.stderr);
  const metrics = JSON.parse(await readFile(join(dir, 'eval', 'metrics.json'), 'utf8'));
  assert.ok(JSON.stringify(metrics).includes(String(auc.estimate).slice(0, 6)));
});

test('train refuses labels that are not in the data, naming them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-train-'));
  const manifest = join(dir, 'm.csv');
  await writeFile(
    manifest,
    `file,subject_id,label\n${dataPath('webmorph-canada', 'images', '003f.jpg')},a,control\n`,
  );
  const r = runCli([
    'train',
    '--data',
    manifest,
    '--task',
    'x',
    '--positive',
    'cushing',
    '--negative',
    'control',
    '--out',
    join(dir, 'b'),
    '--no-cache',
  ]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /manifest_unknown_label: label "cushing" does not occur/);
});
