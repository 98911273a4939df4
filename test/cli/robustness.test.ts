import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertRefused, runCli } from '../helpers/cli.js';

const PHOTO = 'examples/male_alex.jpg';

test('screen refuses an output folder it cannot write before extracting any feature', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-robust-'));
  const file = join(dir, 'a-file');
  await writeFile(file, 'x');
  assertRefused(
    runCli(['screen', PHOTO, '-o', file, '--no-cache']),
    'output_not_writable',
    /a-file is a file, not a folder/,
  );
  // DIR exists but DIR/photos is a file.
  await mkdir(join(dir, 'out'));
  await writeFile(join(dir, 'out', 'photos'), 'x');
  assertRefused(
    runCli(['screen', PHOTO, '-o', join(dir, 'out'), '--no-cache']),
    'output_not_writable',
    /photos is a file, not a folder/,
  );
});

test('bad --workers and --heatmap values are refused with a reason code, before any work', async () => {
  for (const v of ['abc', '-5', '1.5']) {
    assertRefused(runCli(['screen', PHOTO, '--workers', v, '--no-cache']), 'invalid_option', /--workers/);
  }
  const dir = await mkdtemp(join(tmpdir(), 'endoface-robust-'));
  const out = join(dir, 'out');
  assertRefused(
    runCli(['screen', PHOTO, '--heatmap', 'bogus', '-o', out, '--no-cache']),
    'invalid_option',
    /--heatmap="bogus".*Allowed: regions, coarse, fine, none/,
  );
  assert.ok(!existsSync(out), 'nothing written');
  assertRefused(
    runCli(['evaluate', '--predictions', 'p.csv', '-o', out, '--bootstrap', '2000000']),
    'invalid_option',
    /--bootstrap must be a whole number from 0 to 1,000,000, got "2000000"/,
  );
  // Without -o the value was accepted silently.
  assertRefused(runCli(['screen', PHOTO, '--heatmap', 'bogus', '--no-cache']), 'invalid_option');
});

test('an unusable --cache is refused up front, naming the path and the reason', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-robust-'));
  const file = join(dir, 'a-file');
  await writeFile(file, 'x');
  const notDb = join(dir, 'notes.sqlite');
  await writeFile(
    notDb,
    'these are not the bytes of a SQLite database, but long enough to look\n'.repeat(20),
  );
  assertRefused(runCli(['screen', PHOTO, '--cache', dir]), 'cache_unusable', /is a folder/);
  assertRefused(
    runCli(['screen', PHOTO, '--cache', join(file, 'features.sqlite')]),
    'cache_unusable',
    /a-file is a file, not a folder/,
  );
  assertRefused(runCli(['screen', PHOTO, '--cache', notDb]), 'cache_unusable', /not a SQLite database/);
});

test('screen on a folder without photos says so', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-robust-'));
  assertRefused(runCli(['screen', dir, '--no-cache']), 'empty_dataset', /no photos to screen/);
});

test('screen keeps the message of a photo it could not read, on screen and in screen.json', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-robust-'));
  const bad = join(dir, 'broken.jpg');
  // A JPEG signature followed by garbage: recognised as JPEG, cannot be decoded.
  await writeFile(bad, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]));
  const out = join(dir, 'out');
  const r = runCli(['screen', bad, '-o', out, '--no-cache']);
  assert.equal(r.status, 1, r.stderr);
  const json = JSON.parse(await readFile(join(out, 'screen.json'), 'utf8')) as {
    results: { scored: boolean; notScored?: { code: string; message: string } }[];
  };
  const [x] = json.results;
  assert.equal(x.scored, false);
  assert.equal(x.notScored?.code, 'corrupt_image', JSON.stringify(x));
  assert.match(x.notScored!.message, /broken\.jpg/);
  assert.ok(r.stdout.includes(`not scored — ${x.notScored!.code}: ${x.notScored!.message}`), r.stdout);
});
