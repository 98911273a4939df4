import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { assertRefused, photoNames, runCli } from '../helpers/cli.js';

/** Output folders that cannot be written, inputs that are not there, and option checks before any work. */

const EXAMPLES = resolve(import.meta.dirname, '..', '..', 'examples');
const photo = (name: string): string => join(EXAMPLES, name);
const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'endoface-robust-'));

/** A reason-code error (exit 1, `code: message`), never a stack trace (exit 2). */
test('detect refuses an --out that is a file, or whose crops folder is a file, before any work', async () => {
  const dir = await tmp();
  await writeFile(join(dir, 'afile'), 'x');
  assertRefused(
    runCli(['detect', photo('male_alex.jpg'), '--out', join(dir, 'afile')]),
    'output_not_writable',
  );
  await mkdir(join(dir, 'out'));
  await writeFile(join(dir, 'out', 'crops'), 'x');
  assertRefused(
    runCli(['detect', photo('male_alex.jpg'), '--out', join(dir, 'out')]),
    'output_not_writable',
    /crops is a file/,
  );
});

test('detect does not read its own crops back, refuses a missing input before any work, and refuses an empty folder', async () => {
  const dir = await tmp();
  await copyFile(photo('male_alex.jpg'), join(dir, 'alex.jpg'));
  await writeFile(join(dir, 'broken.jpg'), 'not a photo');
  const out = join(dir, 'out');
  const missing = join(dir, 'gone.jpg');
  // A path named that does not exist is a typo: refused before the banner, nothing written.
  assertRefused(runCli(['detect', dir, missing, '--out', out]), 'file_not_found', /gone\.jpg/);
  await assert.rejects(readFile(join(out, 'summary.csv')));
  for (let run = 0; run < 2; run++) {
    const r = runCli(['detect', dir, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    // The totals add up: the file that cannot be read is one of the unreadable ones.
    assert.match(r.stdout, /2 photos: 1 pass, 0 warn, 0 reject, 1 unreadable/);
    if (run === 1) assert.match(r.stderr, /note: .*earlier run/);
  }
  assert.deepEqual(await photoNames(join(out, 'crops')), ['alex.png']);
  const csv = (await readFile(join(out, 'summary.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv.length, 1 + 2);
  assert.ok(
    csv.some((l) => l.startsWith(`${join(dir, 'broken.jpg')},error,`) && l.includes('unsupported_format')),
  );

  await mkdir(join(dir, 'empty'));
  assertRefused(runCli(['detect', join(dir, 'empty')]), 'empty_dataset', /no photos found in/);
});

test('detect bounds --size, and the quality verdict does not change with it', () => {
  assertRefused(
    runCli(['detect', photo('male_alex.jpg'), '--size', '0']),
    'invalid_option',
    /from 64 to 1,024/,
  );
  assertRefused(runCli(['detect', photo('male_alex.jpg'), '--size', '100000']), 'invalid_option');
  assertRefused(
    runCli(['detect', photo('male_alex.jpg'), '--size', 'abc']),
    'invalid_option',
    /whole number from 64 to 1,024, got "abc"/,
  );
  // An empty path (an unset shell variable) is refused, not taken as "no output".
  assertRefused(runCli(['detect', photo('male_alex.jpg'), '--out', '']), 'invalid_option', /--out is empty/);
  const measures = (size: string): Record<string, number> => {
    const r = runCli(['detect', photo('male_alex.jpg'), '--size', size, '--json']);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout).files[0].quality.measures;
  };
  const at224 = measures('224');
  const at448 = measures('448');
  assert.equal(at448.sharpness, at224.sharpness);
  assert.equal(at448.eyeTextureRatio, at224.eyeTextureRatio);
});

test('--workers above the CPU cores is capped with a note', () => {
  const r = runCli(['detect', photo('male_alex.jpg'), '--workers', '999', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /note: 999 worker threads asked for, \d+ used/);
});

test('train checks every option, and its --out, before reading any photo', async () => {
  const dir = await tmp();
  const manifest = join(dir, 'm.csv');
  // Photos that do not exist: a check that ran after the feature extraction would fail on them first.
  await writeFile(manifest, 'file,subject_id,label\na.jpg,a,x\nb.jpg,b,y\n');
  const train = (...extra: string[]): ReturnType<typeof runCli> =>
    runCli(['train', '--data', manifest, '--task', 't', '--positive', 'y', '--negative', 'x', ...extra]);
  const out = join(dir, 'bundle');
  assertRefused(train('--out', out, '--features', 'foo'), 'invalid_option', /--features="foo"/);
  assertRefused(
    train('--out', out, '--features', 'faceres,colur'),
    'invalid_option',
    /did you mean "colour"/,
  );
  assertRefused(train('--out', out, '--admit', 'maybe'), 'invalid_option', /--admit="maybe"/);
  assertRefused(train('--out', out, '--estimator', 'svm'), 'invalid_option', /--estimator="svm"/);
  assertRefused(
    train('--out', out, '--folds', '1'),
    'invalid_option',
    /--folds must be a whole number ≥ 2, got "1"/,
  );
  assertRefused(train('--out', out, '--inner-folds', '0'), 'invalid_option', /--inner-folds/);
  assertRefused(train('--out', out, '--classes', 'x,y'), 'invalid_option', /exclude each other/);
  await writeFile(join(dir, 'afile'), 'x');
  assertRefused(train('--out', join(dir, 'afile')), 'output_not_writable', /is a file/);
  await mkdir(out);
  await writeFile(join(out, 'metadata.json'), '{}');
  assertRefused(train('--out', out), 'bundle_exists');
});

test('train names the fold flag to lower when a class has too few subjects', async () => {
  const dir = await tmp();
  const manifest = join(dir, 'm.csv');
  const rows = [
    'female_agata.jpg,agata,female',
    'canada_008f.jpg,008f,female',
    'male_alex.jpg,alex,male',
    'canada_095m.jpg,095m,male',
  ].map((r) => `${EXAMPLES}/${r}`);
  await writeFile(manifest, ['file,subject_id,label', ...rows].join('\n') + '\n');
  const r = runCli([
    ...['train', '--data', manifest, '--task', 'sex', '--positive', 'male', '--negative', 'female'],
    ...[
      '--out',
      join(dir, 'b'),
      '--features',
      'morphometrics',
      '--folds',
      '3',
      '--no-cache',
      '--workers',
      '0',
    ],
  ]);
  assertRefused(r, 'too_few_subjects', /fewer than the 3 folds.*; lower --folds/);
  // Two outer folds fit; their training sets (one subject per class) do not fill two inner folds.
  const inner = runCli([
    ...['train', '--data', manifest, '--task', 'sex', '--positive', 'male', '--negative', 'female'],
    ...['--out', join(dir, 'c'), '--features', 'morphometrics', '--folds', '2', '--inner-folds', '2'],
    ...['--no-cache', '--workers', '0'],
  ]);
  assertRefused(inner, 'too_few_subjects', /^.*outer fold 1: .*; lower --inner-folds/m);
});

test('predict checks --csv before scoring, creates its folder, and names unreadable photos', async () => {
  const dir = await tmp();
  await writeFile(join(dir, 'zero.jpg'), '');
  const csv = join(dir, 'no', 'such', 'p.csv');
  await copyFile(photo('male_alex.jpg'), join(dir, 'alex-copy.jpg'));
  const r = runCli([
    ...['predict', '-m', 'models/default', photo('male_alex.jpg'), join(dir, 'zero.jpg')],
    ...[join(dir, 'alex-copy.jpg'), '--csv', csv, '--no-cache', '--workers', '1'],
  ]);
  assert.equal(r.status, 0, r.stderr);
  // A copy is scored, and said to be the same photo.
  assert.match(r.stderr, /note: the same photo \(identical bytes\).*male_alex\.jpg = .*alex-copy\.jpg/);
  assert.match(r.stdout, /male_alex\.jpg {2}\[pass\]/);
  // Read in a worker thread, the photo is still named, not "image buffer".
  assert.match(r.stdout, new RegExp(`empty_file: ${join(dir, 'zero.jpg')} is empty`));
  assert.doesNotMatch(r.stdout, /image buffer/);
  assert.equal((await readFile(csv, 'utf8')).trim().split('\n').length, 4);

  await writeFile(join(dir, 'afile'), 'x');
  assertRefused(
    runCli(['predict', '-m', 'models/default', photo('male_alex.jpg'), '--csv', join(dir, 'afile', 'p.csv')]),
    'output_not_writable',
    /afile is a file/,
  );
  assertRefused(
    runCli(['predict', '-m', 'models/default', photo('male_alex.jpg'), '--csv', dir]),
    'output_not_writable',
    /is a folder/,
  );
  // Never over what the run reads: an input photo, a manifest, or anything with a photo's ending.
  const victim = join(dir, 'victim.jpg');
  await copyFile(photo('male_alex.jpg'), victim);
  const before = await readFile(victim);
  assertRefused(
    runCli(['predict', '-m', 'models/default', victim, '--csv', victim]),
    'output_not_writable',
    /is one of the inputs/,
  );
  assertRefused(
    runCli(['predict', '-m', 'models/default', victim, '--csv', join(dir, 'scores.png')]),
    'output_not_writable',
    /photo’s ending/,
  );
  assert.deepEqual(await readFile(victim), before);
});
