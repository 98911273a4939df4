import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { parseCsv } from '../../src/io/csv-read.js';
import { signsOf } from '../../src/simulate/index.js';
import { runCli } from '../helpers/cli.js';
import { studioFaces } from '../helpers/data.js';
import { tempDirs } from '../helpers/fs.js';

const tempDir = tempDirs('endoface-simulate-');

test('simulate writes phantoms, matched controls and a manifest train can read', async () => {
  const root = await tempDir();
  const inDir = join(root, 'in');
  await mkdir(join(inDir, 'photos'), { recursive: true });
  const faces = studioFaces().slice(0, 2);
  for (const f of faces) await copyFile(f.path, join(inDir, 'photos', f.file.split('/').pop()!));
  await sharp({ create: { width: 300, height: 300, channels: 3, background: '#8a8aa0' } })
    .png()
    .toFile(join(inDir, 'photos', 'wall.png'));
  const names = [...faces.map((f) => f.file.split('/').pop()!), 'wall.png'];
  await writeFile(
    join(inDir, 'cohort.csv'),
    'file,subject_id,sex,age,site\n' +
      names.map((n, i) => `photos/${n},p${i},${faces[i]?.sex ?? ''},${20 + i},A`).join('\n') +
      '\n',
  );
  const out = join(root, 'out');
  const r = runCli([
    'simulate',
    '--in',
    join(inDir, 'cohort.csv'),
    '--condition',
    'cushing',
    '--severity',
    '0.6',
    '--jitter',
    '0.1',
    '--include-controls',
    '--out',
    out,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3 photos: 2 phantoms \(cushing\), 2 controls, 1 skipped/);
  assert.match(r.stdout, /wall\.png {2}no_face/);

  const table = parseCsv(await readFile(join(out, 'manifest.csv'), 'utf8'));
  assert.deepEqual(table.header, [
    'file',
    'subject_id',
    'label',
    'condition',
    'severity',
    'source_file',
    'sex',
    'age',
    'site',
    ...signsOf('cushing'),
    'seed',
  ]);
  const rows = table.rows.map((row) => Object.fromEntries(table.header.map((h, k) => [h, row[k]])));
  assert.deepEqual(
    rows.map((r) => [r.subject_id, r.label]),
    [
      ['p0', 'cushing'],
      ['p0', 'control'],
      ['p1', 'cushing'],
      ['p1', 'control'],
    ],
  );
  for (const row of rows) {
    const meta = await sharp(join(out, row.file)).metadata();
    assert.deepEqual([meta.width, meta.height, meta.format], [600, 800, 'jpeg'], row.file);
    assert.equal(row.site, 'A');
    if (row.label === 'control') assert.equal(Number(row.severity), 0);
    else {
      const s = Number(row.severity);
      assert.ok(s > 0.2 && s < 1, `jittered severity ${s}`);
      assert.equal(Number(row.moon_face), s, 'every sign at the subject severity (no sign mix)');
    }
  }
  const details = JSON.parse(await readFile(join(out, 'phantoms.json'), 'utf8')) as {
    phantoms: { changes: { sign: string; regions: string[] }[] }[];
    skipped: { code: string }[];
  };
  assert.equal(details.phantoms.length, 2);
  assert.deepEqual(
    details.phantoms[0].changes.map((c) => c.sign),
    ['moon_face', 'plethora'],
  );
  assert.deepEqual(
    details.skipped.map((s) => s.code),
    ['no_face'],
  );
});

test('simulate exits 1 when nothing was produced, and names bad flags', async () => {
  const root = await tempDir();
  await sharp({ create: { width: 200, height: 200, channels: 3, background: '#777' } })
    .jpeg()
    .toFile(join(root, 'plain.jpg'));
  const none = runCli([
    'simulate',
    '--in',
    root,
    '--condition',
    'acromegaly',
    '--severity',
    '1',
    '--out',
    join(root, 'o'),
  ]);
  assert.equal(none.status, 1, none.stdout + none.stderr);
  assert.match(none.stdout, /0 phantoms/);

  const typo = runCli([
    'simulate',
    '--in',
    root,
    '--condition',
    'acromegally',
    '--severity',
    '1',
    '--out',
    root,
  ]);
  assert.equal(typo.status, 1);
  assert.match(
    typo.stderr,
    /invalid_option: --condition="acromegally" is not valid; did you mean "acromegaly"\?/,
  );
  const mismatch = runCli([
    'simulate',
    '--in',
    root,
    '--condition',
    'cushing',
    '--severity',
    '1',
    '--signs',
    'nose_widening=1',
    '--out',
    root,
  ]);
  assert.equal(mismatch.status, 1);
  assert.match(mismatch.stderr, /sign_condition_mismatch/);
});

test('simulate refuses phantoms without a sign, repeated photos and odd numbers, and never reads its own output', async () => {
  const root = await tempDir();
  const face = studioFaces()[0];
  await copyFile(face.path, join(root, 'a.jpg'));
  const base = ['simulate', '--condition', 'cushing', '--severity', '0.5'];
  const refused = (args: string[], pattern: RegExp) => {
    const r = runCli([...base, ...args]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  };
  // Every sign at weight 0 would label the unchanged photo "cushing".
  for (const signs of [',', 'moon_face=0,plethora=0'])
    refused(
      ['--in', root, '--out', join(root, 'o'), '--signs', signs],
      /invalid_option: --signs: no sign has a weight above 0/,
    );
  refused(
    ['--in', root, '--out', join(root, 'o'), '--seed', '1.5'],
    /--seed must be a whole number from 0 to [\d,]+, got "1.5"/,
  );
  // Severity 0 changes nothing: its "phantoms" would be unchanged photos labelled cushing.
  const zero = runCli([
    'simulate',
    '--condition',
    'cushing',
    '--severity',
    '0',
    '--in',
    root,
    '--out',
    join(root, 'o'),
  ]);
  assert.equal(zero.status, 1, zero.stdout + zero.stderr);
  assert.match(zero.stderr, /invalid_severity: --severity 0 changes no photo/);
  refused(
    ['--in', root, '--out', join(root, 'o'), '--jitter', '0x1'],
    /--jitter must be a number in \[0, 1\], got "0x1"/,
  );
  // One photo under two subject ids: one identity on both sides of a split.
  await writeFile(join(root, 'twice.csv'), 'file,subject_id\na.jpg,s1\na.jpg,s2\n');
  refused(
    ['--in', join(root, 'twice.csv'), '--out', join(root, 'o')],
    /manifest_duplicate_row: twice\.csv line 3: a\.jpg is listed again \(first on line 2\)/,
  );

  // Output inside the input folder, run twice: the second run still sees one photo, not its phantoms.
  for (let run = 0; run < 2; run++) {
    const r = runCli([...base, '--in', root, '--out', join(root, 'out'), '--include-controls']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^1 photos: 1 phantoms \(cushing\), 1 controls, 0 skipped/m);
    if (run === 1) assert.match(r.stderr, /holds an earlier run \(manifest\.csv/);
  }
});
