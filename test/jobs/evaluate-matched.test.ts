// The evaluation of a matched case–control design within subject (what `simulate --include-controls`
// → `train` writes), and an output folder refused before any work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEvaluate } from '../../src/jobs/index.js';
import { percent } from '../../src/report/markdown.js';
import { createRandom } from '../../src/stats/random.js';

/** 20 subjects photographed as phantom (label 1) and as their own control (0), 6 unmatched controls. */
function matchedCsv(): string {
  const rng = createRandom(7);
  const rows = ['image,subject,label,score,fold,quality,sex'];
  for (let i = 0; i < 20; i++) {
    const face = rng.next() * 0.3; // shared by a subject's two photos: the pairing
    const sex = i % 2 === 0 ? 'F' : 'M';
    rows.push(`images/s${i}_phantom.jpg,s${i},1,${0.4 + face + rng.next() * 0.3},${i % 5},pass,${sex}`);
    rows.push(`images/s${i}_control.jpg,s${i},0,${0.2 + face + rng.next() * 0.3},${i % 5},pass,${sex}`);
  }
  for (let i = 0; i < 6; i++) rows.push(`images/c${i}.jpg,c${i},0,${0.2 + rng.next() * 0.5},${i % 5},pass,F`);
  return rows.join('\n') + '\n';
}

test('a matched case–control design is evaluated with subjects resampled whole, not refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-eval-matched-'));
  try {
    await writeFile(join(dir, 'oof.csv'), matchedCsv());
    const out = join(dir, 'out');
    const { metrics } = await runEvaluate({
      predictions: join(dir, 'oof.csv'),
      out,
      by: ['sex'],
      nResamples: 300,
      seed: 2,
      level: 0.9,
    });
    assert.equal(metrics.mixedLabelSubjects, 20);
    assert.equal(metrics.photo.nCases, 46);
    assert.equal(metrics.photo.nSubjects, 26);
    assert.equal(metrics.photo.bootstrap?.nMixedSubjects, 20);
    // Subject level: one row per subject and label, clustered by subject.
    assert.equal(metrics.subject.nCases, 46);
    assert.equal(metrics.subject.nSubjects, 26);
    assert.equal(metrics.subject.nPositive, 20);
    const b = metrics.photo.auc.bootstrap?.bca;
    assert.ok(b && b.lower < metrics.photo.auc.estimate && metrics.photo.auc.estimate < b.upper);
    // Each warning once, the design named.
    const keys = metrics.warnings.map((w) => `${w.code}|${w.message}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(metrics.warnings.some((w) => /matched case–control design/.test(w.message)));
    const md = await readFile(join(out, 'summary.md'), 'utf8');
    assert.match(md, /90 % intervals/);
    assert.match(md, /stratified by label pattern \(20 subjects have photos under both labels/);
    assert.match(md, /DeLong also ignores the pairing of a subject's case and control photos/);
    assert.match(await readFile(join(out, 'calibration.vl.json'), 'utf8'), /Wilson 90 % CI/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an output path that is a file is refused as output_not_writable before any reading', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-eval-out-'));
  try {
    await writeFile(join(dir, 'afile'), 'x');
    await assert.rejects(
      // The predictions do not exist: the output check comes first.
      runEvaluate({ predictions: join(dir, 'missing.csv'), out: join(dir, 'afile'), nResamples: 0 }),
      (e: Error & { code?: string }) =>
        e.code === 'output_not_writable' && /afile is a file, not a folder/.test(e.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('percent writes a level as people say it', () => {
  assert.equal(percent(0.95), '95 %');
  assert.equal(percent(0.9), '90 %');
  assert.equal(percent(0.975), '97.5 %');
  assert.equal(percent(0.57), '57 %');
});
