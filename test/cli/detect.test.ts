import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataPath } from '../helpers/data.js';
import { photoNames, runCli } from '../helpers/cli.js';

test('detect goes on past bad files, writes crops, JSON and a summary, and lists the problems', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-detect-'));
  const photos = join(dir, 'photos');
  await mkdir(join(photos, 'visit2'), { recursive: true });
  await copyFile(dataPath('webmorph-canada', 'images', '003f.jpg'), join(photos, 'a.jpg'));
  await copyFile(dataPath('webmorph-canada', 'images', '008f.jpg'), join(photos, 'visit2', 'a.jpg'));
  await copyFile(dataPath('skimage-samples', 'lfw_subset', 'nonface_100.png'), join(photos, 'wall.png'));
  await writeFile(join(photos, 'notes.jpg'), 'not a photo');
  await writeFile(join(photos, 'empty.jpg'), '');
  await writeFile(join(photos, 'readme.txt'), 'ignored: not an image ending');
  const out = join(dir, 'out');

  const r = runCli(['detect', photos, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /5 photos: 2 pass, 0 warn, 1 reject, 2 unreadable/);
  assert.match(r.stdout, /notes\.jpg\s+unsupported_format/);
  assert.match(r.stdout, /empty\.jpg\s+empty_file/);
  assert.match(r.stdout, /wall\.png\s+no_face/);

  // Same file name in two folders: both kept apart.
  assert.deepEqual(await photoNames(join(out, 'crops')), ['a.png', 'visit2__a.png']);
  const json = JSON.parse(await readFile(join(out, 'faces', 'a.json'), 'utf8'));
  assert.equal(json.quality.status, 'pass');
  assert.equal(json.faces[0].meshPx.length, 478);
  assert.equal(json.aligned.photoToCrop.length, 6);
  assert.ok(Math.abs(json.faces[0].pose.yawDeg) < 10);

  const csv = (await readFile(join(out, 'summary.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv.length, 1 + 5);
  assert.match(csv[0], /^file,status,reasons,faces,inter_ocular_px/);
  assert.ok(csv.some((l) => l.includes('empty.jpg,error,') && l.includes('empty_file')));
});

test('detect exits non-zero only when nothing could be processed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-detect-'));
  await writeFile(join(dir, 'bad.jpg'), 'text');
  const r = runCli(['detect', dir, '--json']);
  assert.equal(r.status, 1);
  const parsed = JSON.parse(r.stdout);
  assert.equal(parsed.counts.error, 1);
  assert.equal(parsed.problems[0].code, 'unsupported_format');
});

test('detect with two worker threads gives the same verdicts as one thread', async () => {
  const r1 = runCli(['detect', dataPath('webmorph-cc0-lisa-zoom'), '--json']);
  const r2 = runCli(['detect', dataPath('webmorph-cc0-lisa-zoom'), '--json', '--workers', '2']);
  assert.equal(r1.status, 0, r1.stderr);
  assert.equal(r2.status, 0, r2.stderr);
  const a = JSON.parse(r1.stdout);
  const b = JSON.parse(r2.stdout);
  assert.equal(a.files.length, 8);
  assert.deepEqual(b.files, a.files);
});

test('unknown options and bad values are refused with a message', () => {
  const r = runCli(['detect', 'x', '--workers', 'two']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--workers must be a whole number/);
});

test('a second detect run over the same photos does not read the first run’s crops back, and says so', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-detect-again-'));
  await copyFile(dataPath('webmorph-canada', 'images', '003f.jpg'), join(dir, 'a.jpg'));
  const first = runCli(['detect', dir, '--out', join(dir, 'run1')]);
  assert.equal(first.status, 0, first.stderr);
  const second = runCli(['detect', dir, '--out', join(dir, 'run2')]);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /1 photos?: 1 pass/);
  assert.match(second.stderr, /note: passed over what earlier endoface runs wrote.*run1\/crops/);
  assert.deepEqual(await photoNames(join(dir, 'run2', 'crops')), ['a.png']);
});
