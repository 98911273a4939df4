import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { capWorkers, runPooled } from '../../src/runtime/pool.js';

test('capWorkers keeps a count up to the CPU cores and caps a larger one with a note', () => {
  assert.deepEqual(capWorkers(2, 4), { workers: 2 });
  const capped = capWorkers(12, 2);
  assert.equal(capped.workers, 2);
  assert.match(capped.note ?? '', /12 worker threads asked for, 2 used/);
});

test('a worker task whose reason libvips lost ("Unknown error") is run once more', async () => {
  // A worker that fails each task the first time as sharp does when another thread cleared the
  // shared libvips error buffer, and gives the real reason the second time.
  const dir = await mkdtemp(join(tmpdir(), 'endoface-pool-'));
  const worker = join(dir, 'worker.mjs');
  await writeFile(
    worker,
    `import { parentPort } from 'node:worker_threads';
const seen = new Set();
parentPort.on('message', ({ id, task }) => {
  const first = !seen.has(task);
  seen.add(task);
  const message = first ? task + ' cannot be decoded: Unknown error' : task + ' cannot be decoded: premature end of JPEG';
  parentPort.postMessage({ id, ok: false, error: { code: 'corrupt_image', message } });
});
`,
  );
  const outcomes = [];
  for await (const o of runPooled(['a.jpg'], {
    workers: 1,
    workerUrl: pathToFileURL(worker),
    local: () => Promise.reject(new Error('not used')),
    reviveError: (e) => new Error(e.message),
  }))
    outcomes.push(o);
  assert.equal(outcomes.length, 1);
  assert.equal(outcomes[0].ok, false);
  assert.match(String((outcomes[0] as { error: Error }).error.message), /premature end of JPEG$/);
});
