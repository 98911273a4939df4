import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadDataset } from '../../src/data/index.js';
import { EndofaceError } from '../../src/core/errors.js';
import { OUTPUT_MARKER } from '../../src/io/files.js';
import { dataPath } from '../helpers/data.js';

async function cohort(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-data-'));
  await mkdir(join(dir, 'img'));
  for (const f of ['003f', '008f', '095m'])
    await copyFile(dataPath('webmorph-canada', 'images', `${f}.jpg`), join(dir, 'img', `${f}.jpg`));
  return dir;
}

async function rejects(
  path: string,
  code: string,
  pattern: RegExp,
  allowedLabels?: string[],
): Promise<EndofaceError> {
  try {
    await loadDataset(path, { allowedLabels });
  } catch (e) {
    assert.ok(e instanceof EndofaceError);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`expected ${code}`);
}

test('a manifest keeps subjects, labels and covariates; paths are relative to the manifest', async () => {
  const dir = await cohort();
  const m = join(dir, 'cohort.csv');
  await writeFile(
    m,
    'file,subject_id,label,sex,age,site\nimg/003f.jpg,s1,control,F,19,A\nimg/008f.jpg,s1,control,F,19,A\nimg/095m.jpg,s2,cushing,M,21,B\n',
  );
  const ds = await loadDataset(m);
  assert.equal(ds.items.length, 3);
  assert.deepEqual(ds.labels, ['control', 'cushing']);
  assert.deepEqual(ds.covariates, ['sex', 'age', 'site']);
  assert.equal(ds.items[2].subjectId, 's2');
  assert.deepEqual(ds.items[2].covariates, { sex: 'M', age: '21', site: 'B' });
  assert.equal(ds.items[0].file, join(dir, 'img', '003f.jpg'));
  assert.deepEqual(ds.warnings, []);
});

test('a missing subject_id makes each photo its own subject, with a warning', async () => {
  const dir = await cohort();
  const m = join(dir, 'c.csv');
  await writeFile(m, 'file,label\nimg/003f.jpg,control\nimg/095m.jpg,acromegaly\n');
  const ds = await loadDataset(m);
  assert.equal(new Set(ds.items.map((i) => i.subjectId)).size, 2);
  assert.equal(ds.warnings[0].code, 'no_subject_id');
});

test('bad manifests name the offending line', async () => {
  const dir = await cohort();
  const write = async (name: string, text: string): Promise<string> => {
    await writeFile(join(dir, name), text);
    return join(dir, name);
  };
  const missing = await rejects(
    await write(
      'm1.csv',
      'file,subject_id,label\nimg/003f.jpg,a,control\nimg/nope.jpg,b,control\nimg/gone.jpg,c,cushing\n',
    ),
    'manifest_file_missing',
    /m1\.csv line 3: file img\/nope\.jpg does not exist \(and 1 more problem:\n {2}- .*m1\.csv line 4: file img\/gone\.jpg does not exist\)/,
  );
  assert.equal((missing.details.problems as string[]).length, 2);
  await rejects(
    await write('m9.csv', 'file,subject_id,label\nimg,a,control\n'),
    'manifest_file_missing',
    /m9\.csv line 2: img is a folder, not a photo/,
  );
  // Problems of different kinds come together: a missing file, a repeated row and an unknown label.
  const mixed = await rejects(
    await write(
      'm0.csv',
      'file,subject_id,label\nimg/003f.jpg,a,control\nimg/nope.jpg,b,control\nimg/003f.jpg,a,control\nimg/003f.jpg,d,diabetes\n',
    ),
    'manifest_file_missing',
    /\(and 3 more problems:\n {2}- .*line 4.*\n {2}- .*line 5.*\n {2}- .*line 5/,
    ['control', 'cushing'],
  );
  assert.deepEqual(
    (mixed.details.problems as string[]).map((p) => /line (\d+)/.exec(p)![1]),
    ['3', '4', '5', '5'],
  );
  await rejects(
    await write('m2.csv', 'file,subject_id,label\nimg/003f.jpg,a,control\nimg/003f.jpg,a,control\n'),
    'manifest_duplicate_row',
    /line 3: img\/003f\.jpg is listed again \(first on line 2\)/,
  );
  await rejects(
    await write('m3.csv', 'file,subject\nimg/003f.jpg,a\n'),
    'invalid_manifest',
    /missing column label/,
  );
  await rejects(
    await write('m4.csv', 'file,subject_id,label\nimg/003f.jpg,a,\n'),
    'invalid_manifest',
    /line 2: empty label/,
  );
  await rejects(
    await write('m5.csv', 'file,subject_id,label\nimg/003f.jpg,a,control,extra\n'),
    'invalid_csv',
    /line 2: 4 fields/,
  );
  try {
    await loadDataset(await write('m6.csv', 'file,label\nimg/003f.jpg,cushings\n'), {
      allowedLabels: ['control', 'cushing'],
    });
    assert.fail('expected manifest_unknown_label');
  } catch (e) {
    assert.equal((e as EndofaceError).code, 'manifest_unknown_label');
    assert.match((e as EndofaceError).message, /line 2: label "cushings" is not one of control, cushing/);
  }
  await rejects(join(dir, 'absent.csv'), 'file_not_found', /no such file/);
});

test('a folder per class is a dataset; each photo is its own subject', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-folder-'));
  await mkdir(join(dir, 'control'));
  await mkdir(join(dir, 'acromegaly', 'visit1'), { recursive: true });
  await copyFile(dataPath('webmorph-canada', 'images', '003f.jpg'), join(dir, 'control', 'a.jpg'));
  await copyFile(
    dataPath('webmorph-canada', 'images', '095m.jpg'),
    join(dir, 'acromegaly', 'visit1', 'b.jpg'),
  );
  const ds = await loadDataset(dir);
  assert.equal(ds.kind, 'folder');
  assert.deepEqual(ds.labels, ['acromegaly', 'control']);
  assert.equal(ds.items.length, 2);
  assert.equal(ds.warnings[0].code, 'no_subject_id');
  // A class whose photos sit in an earlier run's figure folder (a simulate run's images/) is refused,
  // not silently left with fewer photos.
  await mkdir(join(dir, 'cushing', 'images'), { recursive: true });
  await copyFile(dataPath('webmorph-canada', 'images', '008f.jpg'), join(dir, 'cushing', 'images', 'c.jpg'));
  await writeFile(join(dir, 'cushing', 'images', OUTPUT_MARKER), '');
  await rejects(
    dir,
    'invalid_manifest',
    /class folder cushing: .*cushing\/images holds an earlier endoface run's output/,
  );
});

test("for prediction, missingFiles: 'skip' lists a manifest's missing photos instead of refusing it", async () => {
  const dir = await cohort();
  const m = join(dir, 'predict.csv');
  await writeFile(m, 'file,subject_id,sex\nimg/003f.jpg,a,F\nimg/gone.jpg,b,M\nimg/095m.jpg,c,M\n');
  // Training's default: the cohort must be complete.
  await assert.rejects(
    loadDataset(m, { requireLabel: false }),
    (e: unknown) =>
      e instanceof EndofaceError && e.code === 'manifest_file_missing' && /line 3/.test(e.message),
  );
  const ds = await loadDataset(m, { requireLabel: false, missingFiles: 'skip' });
  assert.deepEqual(
    ds.items.map((i) => [i.file, i.line]),
    [
      [join(dir, 'img', '003f.jpg'), 2],
      [join(dir, 'img', '095m.jpg'), 4],
    ],
  );
  assert.equal(ds.missing.length, 1);
  assert.equal(ds.missing[0].file, join(dir, 'img', 'gone.jpg'));
  assert.equal(ds.missing[0].line, 3);
  assert.deepEqual(ds.missing[0].covariates, { sex: 'M' });
  // A manifest whose every photo is missing is still a list of photos to report, not an empty one.
  const gone = join(dir, 'gone.csv');
  await writeFile(gone, 'file\nimg/gone.jpg\n');
  const all = await loadDataset(gone, { requireLabel: false, missingFiles: 'skip' });
  assert.equal(all.items.length, 0);
  assert.equal(all.missing.length, 1);
  // Other problems are still refused.
  await writeFile(join(dir, 'dup.csv'), 'file\nimg/gone.jpg\nimg/gone.jpg\n');
  await assert.rejects(
    loadDataset(join(dir, 'dup.csv'), { requireLabel: false, missingFiles: 'skip' }),
    (e: unknown) => e instanceof EndofaceError && e.code === 'manifest_duplicate_row',
  );
});
