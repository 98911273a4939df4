// The evaluation run end to end on reference case A: files written, numbers carried through at
// full precision, plots rendered by Vega, and the CLI flag checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toJson } from '../../src/report/index.js';
import { runEvaluate } from '../../src/jobs/index.js';
import { parseThresholdSpec } from '../../src/stats/index.js';
import { loadCase } from '../stats/reference-data.js';

const c = loadCase('stats-case-a');

test('the evaluate job writes metrics.json, summary.md and ROC/PR/calibration plots', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-eval-'));
  try {
    const pred = [
      'image,subject,label,score,sex',
      ...c.image.map((im, i) => `${im},${c.patient[i]},${c.label[i]},${c.model[i]},${c.sex[i]}`),
    ];
    const readers = [
      'image,reader,rating,reader_level',
      ...c.image.map((im, i) => `${im},R1,${c.reader1[i]},consultant`),
      ...c.image.map((im, i) => `${im},R2,${c.reader2[i]},resident`),
    ];
    await writeFile(join(dir, 'p.csv'), pred.join('\n') + '\n');
    await writeFile(join(dir, 'r.csv'), readers.join('\n') + '\n');
    const out = join(dir, 'out');
    const { metrics, files, run } = await runEvaluate({
      predictions: join(dir, 'p.csv'),
      readers: join(dir, 'r.csv'),
      out,
      by: ['sex'],
      nResamples: 100,
      seed: 1,
    });
    for (const name of [
      'metrics.json',
      'summary.md',
      'roc.svg',
      'roc.png',
      'calibration.png',
      'precision-recall.png',
      'roc.vl.json',
    ]) {
      assert.ok(files.includes(join(out, name)), name);
    }
    const json = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
    // Full precision, unchanged by serialisation.
    assert.equal(json.photo.auc.delong.standardError, metrics.photo.auc.delong.standardError);
    assert.ok(Math.abs(json.photo.auc.estimate - c.expected.model.auc) < 1e-12);
    assert.equal(json.photo.rocCurve.thresholds[0], 'Infinity');
    assert.equal(json.subject.aggregation, 'mean');
    assert.equal(json.subject.nCases, 110);
    assert.equal(json.subgroups.photo[0].covariate, 'sex');
    assert.equal(json.readers.readers.length, 2);
    assert.match(json.inputs.predictions.sha256, /^[0-9a-f]{64}$/);
    // The run's record: software and extractor versions, per-stage timings.
    assert.equal(json.run.software.name, 'endoface');
    assert.deepEqual(Object.keys(json.run.timingsMs).sort(), ['figures', 'statistics', 'total']);
    assert.equal(json.run.startedAt, run.startedAt);
    assert.doesNotMatch(await readFile(join(out, 'metrics.json'), 'utf8'), /NaN/);
    const md = await readFile(join(out, 'summary.md'), 'utf8');
    assert.match(md, /research software, not a medical device/);
    assert.match(md, /\| photo \| 240 \| 89 \| 110 \| 0\.855 \| 0\.806–0\.903 \|/);
    assert.match(md, /## Comparison with readers/);
    const svg = await readFile(join(out, 'roc.svg'), 'utf8');
    assert.match(svg, /^<svg/);
    assert.match(svg, /R2 \(resident\)/);
    const png = await readFile(join(out, 'roc.png'));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unknown covariate to tabulate by is refused with the columns available', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-eval-'));
  try {
    await writeFile(join(dir, 'p.csv'), 'image,subject,label,score,sex\na,s1,1,0.9,F\nb,s2,0,0.2,M\n');
    await assert.rejects(
      runEvaluate({ predictions: join(dir, 'p.csv'), out: join(dir, 'o'), by: ['site'], nResamples: 0 }),
      /by: the predictions have no column "site" \(covariates: sex\)/,
    );
    await assert.rejects(
      runEvaluate({ predictions: join(dir, 'missing.csv'), out: join(dir, 'o') }),
      (e: Error & { code?: string }) => e.code === 'file_not_found' && /missing\.csv/.test(e.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('toJson keeps infinities as strings; threshold specs are parsed by name', () => {
  assert.equal(
    toJson({ a: [Infinity, -Infinity, 1] }).replace(/\s/g, ''),
    '{"a":["Infinity","-Infinity",1]}',
  );
  assert.deepEqual('0.5,youden,sens:0.9,spec:0.95'.split(',').map(parseThresholdSpec), [
    0.5,
    'youden',
    { sensitivity: 0.9 },
    { specificity: 0.95 },
  ]);
  assert.throws(() => parseThresholdSpec('best'), /threshold "best" is not a number/);
});
