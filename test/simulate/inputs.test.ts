/**
 * `simulate` on bad or awkward input: a run that would write over its own input, greyscale photos
 * with a colour sign, severities that could label an unchanged photo, a run that dies part-way over
 * an earlier one, and a photo given where a folder or manifest belongs.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { isEndofaceError } from '../../src/core/errors.js';
import { decodeImage } from '../../src/image/index.js';
import { parseCsv } from '../../src/io/csv-read.js';
import {
  MIN_JITTERED_SEVERITY,
  resolveSignMagnitudes,
  simulatePhenotype,
  variedMagnitudes,
} from '../../src/simulate/index.js';
import { EARLIER_RUNS, readSourcePhotos, runSimulate } from '../../src/jobs/index.js';

const simulateCohort = runSimulate;
import { assertRefused, runCli } from '../helpers/cli.js';
import { tempDirs } from '../helpers/fs.js';

const EXAMPLES = resolve(import.meta.dirname, '..', '..', 'examples');
const ALEX = join(EXAMPLES, 'male_alex.jpg');
const AGATA = join(EXAMPLES, 'female_agata.jpg');

const tempDir = tempDirs('endoface-simulate-inputs-');

const rowsOf = async (manifest: string): Promise<Record<string, string>[]> => {
  const t = parseCsv(await readFile(manifest, 'utf8'));
  return t.rows.map((r) => Object.fromEntries(t.header.map((h, k) => [h, r[k]])));
};

async function rejectsWith(code: string, run: () => Promise<unknown>, message?: RegExp): Promise<void> {
  await assert.rejects(run, (e: unknown) => {
    assert.ok(isEndofaceError(e), String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('simulate refuses, before writing anything, a run that would write over its own input', async () => {
  const root = await tempDir();
  const mf = join(root, 'mf');
  await mkdir(mf);
  await copyFile(ALEX, join(mf, 'alex.jpg'));
  const manifestText = 'file,subject_id,sex\nalex.jpg,s1,male\n';
  await writeFile(join(mf, 'manifest.csv'), manifestText);
  await symlink(join(mf, 'manifest.csv'), join(root, 'link.csv'));
  const base = ['simulate', '--condition', 'acromegaly', '--severity', '0.6'];

  // The user's manifest is the manifest.csv the run would write: directly, or through a link.
  for (const input of [join(mf, 'manifest.csv'), join(root, 'link.csv')]) {
    const r = runCli([...base, '--in', input, '--out', mf]);
    assertRefused(
      r,
      'input_in_output_folder',
      /is an input of this run, but it is .*manifest\.csv, which this run writes/,
    );
  }
  // Photos in <out>/images/: as a folder, or listed in a manifest.
  await mkdir(join(root, 'out', 'images'), { recursive: true });
  await copyFile(ALEX, join(root, 'out', 'images', 'alex.jpg'));
  await writeFile(join(root, 'in.csv'), 'file\nout/images/alex.jpg\n');
  for (const input of [join(root, 'out', 'images'), join(root, 'in.csv')]) {
    const r = runCli([...base, '--in', input, '--out', join(root, 'out')]);
    assertRefused(r, 'input_in_output_folder', /lies in .*images, where this run writes its phantoms/);
  }
  // Nothing was written: the manifest is as it was and no output folder was made.
  assert.equal(await readFile(join(mf, 'manifest.csv'), 'utf8'), manifestText);
  assert.deepEqual((await readdir(mf)).sort(), ['alex.jpg', 'manifest.csv']);
  assert.deepEqual(await readdir(join(root, 'out', 'images')), ['alex.jpg']);
});

test('a photo given as --in is refused as what it is, not parsed as CSV', async () => {
  await rejectsWith(
    'invalid_manifest',
    () => readSourcePhotos(ALEX),
    /male_alex\.jpg is an image \(jpeg\), not a CSV manifest: the input must be a folder of photos or a CSV manifest/,
  );
  // Named like a photo but not one: refused by its ending, still before parsing.
  const root = await tempDir();
  await writeFile(join(root, 'notes.png'), 'file\na.jpg\n');
  await rejectsWith(
    'invalid_manifest',
    () => readSourcePhotos(join(root, 'notes.png')),
    /is an image \(\.png\)/,
  );
  const r = runCli(['simulate', '--in', ALEX, '--condition', 'cushing', '--severity', '0.5', '--out', root]);
  assertRefused(r, 'invalid_manifest', /not a CSV manifest/);
  assert.doesNotMatch(r.stderr, /invalid_csv/);
  // A CSV whose header starts with BMP's two-letter signature ("BM") is still a CSV.
  await writeFile(join(root, 'bmi.csv'), `BMI,file,subject_id\n31,${ALEX},s1\n`);
  const rows = await readSourcePhotos(join(root, 'bmi.csv'));
  assert.deepEqual(
    rows.map((p) => [p.file, p.subjectId, p.covariates.BMI]),
    [[ALEX, 's1', '31']],
  );
});

test('no row labelled with its condition has severity 0: 0 is refused, jittered draws keep a floor', async () => {
  const root = await tempDir();
  await copyFile(ALEX, join(root, 'a.jpg'));
  for (const jitter of ['0', '0.1']) {
    const r = runCli([
      'simulate',
      '--in',
      root,
      '--condition',
      'cushing',
      '--severity',
      '0',
      '--jitter',
      jitter,
      '--out',
      join(root, 'o'),
    ]);
    assertRefused(r, 'invalid_severity', /severity 0 (changes no photo|with jitter would leave)/);
  }
  await rejectsWith('invalid_severity', () =>
    simulatePhenotype(ALEX, { condition: 'acromegaly', severity: 0, jitter: 0.2 }),
  );

  // Draws below the floor are clipped to it (never to 0); the floor never exceeds the severity asked.
  const weights = resolveSignMagnitudes('cushing', 1);
  for (const [severity, floor] of [
    [0.1, MIN_JITTERED_SEVERITY],
    [0.02, 0.02],
  ]) {
    const draws = Array.from({ length: 400 }, (_, seed) =>
      variedMagnitudes('cushing', severity, weights, seed, { jitter: 0.5, signMix: 0.2 }),
    );
    const severities = draws.map((d) => d.severity);
    assert.equal(Math.min(...severities), floor, `severity ${severity}`);
    assert.ok(severities.filter((s) => s === floor).length > 50, 'about half the draws fall below');
    assert.ok(Math.max(...severities) <= 1);
    for (const d of draws) assert.ok(d.magnitudes.moon_face > 0 && d.magnitudes.plethora > 0);
  }
});

test('greyscale photos are skipped when a sign would colour them, and kept otherwise', async () => {
  const root = await tempDir();
  const inDir = join(root, 'in');
  await mkdir(inDir);
  await copyFile(ALEX, join(inDir, 'colour.jpg'));
  await sharp(ALEX).greyscale().jpeg({ quality: 95 }).toFile(join(inDir, 'grey.jpg'));
  const grey = await decodeImage(join(inDir, 'grey.jpg'));
  assert.ok(grey.warnings.includes('greyscale'));
  await rejectsWith(
    'greyscale',
    () => simulatePhenotype(grey, { condition: 'cushing', severity: 0.5 }),
    /plethora would paint colour on grey/,
  );

  // Cushing's (plethora reddens the cheeks): the grey photo and its control are left out, with the reason.
  const out = join(root, 'out');
  const r = await simulateCohort({
    input: inDir,
    outDir: out,
    condition: 'cushing',
    severity: 0.00001,
    includeControls: true,
  });
  assert.deepEqual([r.phantoms, r.controls], [1, 1]);
  assert.deepEqual(
    r.skipped.map((s) => [s.file, s.code]),
    [[join(inDir, 'grey.jpg'), 'greyscale']],
  );
  const rows = await rowsOf(join(out, 'manifest.csv'));
  assert.deepEqual(
    rows.map((x) => [x.subject_id, x.label]),
    [
      ['colour', 'cushing'],
      ['colour', 'control'],
    ],
  );
  // A tiny severity is written as itself, not rounded to 0.
  assert.equal(Number(rows[0].severity), 0.00001);
  const details = JSON.parse(await readFile(join(out, 'phantoms.json'), 'utf8')) as {
    skipped: { code: string }[];
  };
  assert.deepEqual(
    details.skipped.map((s) => s.code),
    ['greyscale'],
  );

  // Without the colour sign the grey photo is used, and its phantom stays grey.
  const shapeOnly = await simulateCohort({
    input: inDir,
    outDir: join(root, 'out2'),
    condition: 'cushing',
    severity: 0.6,
    signs: { moon_face: 1 },
  });
  assert.deepEqual([shapeOnly.phantoms, shapeOnly.skipped.length], [2, 0]);
  const phantom = await decodeImage(join(root, 'out2', 'images', 'grey_cushing.jpg'));
  assert.ok(phantom.warnings.includes('greyscale'), 'the grey phantom has no colour');
});

test('a run that dies part-way leaves no manifest; the earlier run it replaced is kept whole', async () => {
  const root = await tempDir();
  const inDir = join(root, 'in');
  await mkdir(inDir);
  await copyFile(ALEX, join(inDir, 'a.jpg'));
  const out = join(root, 'out');
  const options = { input: inDir, outDir: out, condition: 'acromegaly', severity: 0.5 } as const;
  const first = await simulateCohort(options);
  assert.equal(first.earlierRun, undefined);
  const firstManifest = await readFile(join(out, 'manifest.csv'), 'utf8');
  const firstImage = await readFile(join(out, 'images', 'a_acromegaly.jpg'));

  // The second run's last phantom cannot be written (a folder is in its way): a fatal error, not a skip.
  await copyFile(AGATA, join(inDir, 'c.jpg'));
  await mkdir(join(out, 'images', 'c_acromegaly.jpg'));
  const notes: string[] = [];
  await rejectsWith(
    'output_not_writable',
    () => simulateCohort({ ...options, severity: 0.9 }, { onNote: (n) => notes.push(n) }),
    /cannot write .*c_acromegaly\.jpg.*manifest\.csv was not written/,
  );
  assert.equal(notes.length, 1);
  assert.match(
    notes[0],
    /holds an earlier run \(manifest\.csv, phantoms\.json of .*\): moved, with the 1 image it lists, to /,
  );
  // No manifest describes the new phantom of a.jpg as if it were the old one, or the reverse.
  assert.deepEqual((await readdir(out)).sort(), [EARLIER_RUNS, 'images']);
  const visible = async (dir: string) => (await readdir(dir)).filter((f) => !f.startsWith('.'));
  const [moved] = await visible(join(out, EARLIER_RUNS));
  const earlier = join(out, EARLIER_RUNS, moved);
  assert.equal(await readFile(join(earlier, 'manifest.csv'), 'utf8'), firstManifest);
  assert.ok((await readFile(join(earlier, 'images', 'a_acromegaly.jpg'))).equals(firstImage));
  assert.ok(!(await readFile(join(out, 'images', 'a_acromegaly.jpg'))).equals(firstImage), 'a new phantom');

  // Once the obstacle is gone a run finishes; the crashed run left no manifest, so nothing more is moved.
  await rm(join(out, 'images', 'c_acromegaly.jpg'), { recursive: true });
  const third = await simulateCohort(options);
  assert.equal(third.earlierRun, undefined);
  assert.deepEqual(
    (await rowsOf(join(out, 'manifest.csv'))).map((x) => x.file),
    ['images/a_acromegaly.jpg', 'images/c_acromegaly.jpg'],
  );
  assert.deepEqual(await visible(join(out, EARLIER_RUNS)), [moved]);
  assert.ok(!(await readdir(out)).some((f) => f.endsWith('.partial')));
  // A later run searching the folder above reads neither the phantoms nor the ones moved aside.
  assert.deepEqual(
    (await readSourcePhotos(root)).map((p) => p.file),
    [join(inDir, 'a.jpg'), join(inDir, 'c.jpg')],
  );
});

test('a second run over the same folder makes no phantoms of the first run’s phantoms, and says so', async () => {
  const dir = await tempDir();
  await copyFile(ALEX, join(dir, 'alex.jpg'));
  const run = (out: string) =>
    runCli([
      'simulate',
      '--in',
      dir,
      '--condition',
      'acromegaly',
      '--severity',
      '0.5',
      '--out',
      join(dir, out),
    ]);
  const first = run('run1');
  assert.equal(first.status, 0, first.stderr);
  const second = run('run2');
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stderr, /note: passed over what earlier endoface runs wrote.*run1\/images/);
  const manifest = parseCsv(await readFile(join(dir, 'run2', 'manifest.csv'), 'utf8'));
  assert.equal(manifest.rows.length, 1);
});
