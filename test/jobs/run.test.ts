// What every job shares (src/jobs/run.ts): progress through one callback, notes as they come,
// cancellation between items with the files written so far whole, and the run's record.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { JOBS, runDetect, type JobProgress } from '../../src/jobs/index.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');

test('a job reports progress, records its run, and stops between photos when cancelled', async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'endoface-job-')), 'out');
  const seen: JobProgress[] = [];
  const done = await runDetect({ inputs: [EXAMPLES], out }, { onProgress: (p) => seen.push(p) });
  assert.equal(done.total, 8);
  assert.deepEqual(
    seen.map((p) => [p.stage, p.done, p.total]),
    Array.from({ length: 8 }, (_, i) => ['face', i + 1, 8]),
  );
  assert.ok(done.files.includes(join(out, 'summary.csv')) && done.files.includes(join(out, 'run.json')));
  const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(record.run.software.name, 'endoface');
  assert.ok(record.run.timingsMs.face > 0 && record.run.timingsMs.total >= record.run.timingsMs.face);
  assert.match(record.run.extractors.face, /^face@/);

  // Cancelled after the first photo: rejected with `cancelled`, naming what it wrote, all of it whole.
  const again = join(await mkdtemp(join(tmpdir(), 'endoface-job-')), 'out');
  const controller = new AbortController();
  await assert.rejects(
    runDetect(
      { inputs: [EXAMPLES], out: again },
      { signal: controller.signal, onProgress: () => controller.abort() },
    ),
    (e: Error & { code?: string; details?: { files?: string[] } }) =>
      e.code === 'cancelled' && e.details?.files?.length === 2,
  );
  assert.deepEqual((await readdir(join(again, 'crops'))).filter((f) => f.endsWith('.png')).length, 1);
  await assert.rejects(readFile(join(again, 'summary.csv')), 'no summary of an unfinished run');
});

test('every command has its job in the registry', () => {
  assert.deepEqual(Object.keys(JOBS).sort(), [
    'detect',
    'evaluate',
    'explain',
    'predict',
    'screen',
    'simulate',
    'train',
  ]);
});
