import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { EndofaceError } from '../../src/core/errors.js';
import {
  collectImageFiles,
  collectionNotes,
  OUTPUT_MARKER,
  sameContentNote,
  uniqueStems,
} from '../../src/io/files.js';
import { prepareOutputDir } from '../../src/io/output-dir.js';

const EXAMPLE = resolve(import.meta.dirname, '..', '..', 'examples', 'canada_008f.jpg');

/** Copies the example photo to each path (a PNG for `.png`), creating folders; returns the folder. */
async function photos(names: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-files-'));
  for (const name of names) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    if (name.endsWith('.png')) await sharp(EXAMPLE).png().toFile(join(dir, name));
    else await copyFile(EXAMPLE, join(dir, name));
  }
  return dir;
}

/** No two names equal, even on a case-insensitive file system. */
function assertDistinct(stems: string[]): void {
  assert.equal(new Set(stems.map((s) => s.toLowerCase())).size, stems.length, stems.join(', '));
}

test('photos differing only in extension get different stems, each keeping its extension', async () => {
  const dir = await photos(['face.jpg', 'face.jpeg', 'face.png']);
  const { files } = await collectImageFiles([dir]);
  assert.deepEqual(uniqueStems(files), ['face.jpeg', 'face.jpg', 'face.png']);
});

test('non-ASCII names keep their letters and stay apart', async () => {
  const dir = await photos(['张三.jpg', '李四.jpg', 'José.jpg']);
  const { files } = await collectImageFiles([dir]);
  const stems = uniqueStems(files);
  assert.deepEqual([...stems].sort(), ['José', '张三', '李四'].sort());
});

test('a very long name is cut to fit a file name, kept unique by a hash of the whole', () => {
  const long = (tail: string) => `/photos/${'患者'.repeat(60)}_${tail}.jpg`;
  const stems = uniqueStems([long('a'), long('b')]);
  for (const s of stems) assert.ok(Buffer.byteLength(s) <= 160, `${Buffer.byteLength(s)} bytes`);
  assertDistinct(stems);
  assert.deepEqual(uniqueStems([long('a'), long('b')]), stems, 'deterministic');
});

test('names that do not collide are unchanged; the rest are unique whatever the collision', async () => {
  const dir = await photos(['a/1.jpg', 'b/1.jpg', 'c/my photo.jpg', 'c/x.jpg']);
  const ordinary = ['a/1.jpg', 'b/1.jpg', 'c/my photo.jpg', 'c/x.jpg'].map((f) => join(dir, f));
  assert.deepEqual(uniqueStems(ordinary), ['a__1', 'b__1', 'c__my_photo', 'c__x']);
  assert.deepEqual(uniqueStems([join(dir, 'c/x.jpg')]), ['x']);

  // Same name once characters are replaced, or once case is ignored, or taken by another photo.
  const tricky = [
    '#1.jpg',
    '$1.jpg',
    'Face.jpg',
    'face.jpg',
    'x.jpg',
    'x.png',
    'x.jpg.png',
    'x.jpg_2.gif',
  ].map((f) => join(dir, f));
  const stems = uniqueStems(tricky);
  assertDistinct(stems);
  assert.deepEqual(stems, [
    '_1.jpg',
    '_1.jpg_2',
    'Face.jpg',
    'face.jpg_2',
    'x.jpg_3',
    'x.png',
    'x.jpg',
    'x.jpg_2',
  ]);
  assert.deepEqual(uniqueStems(tricky), stems, 'deterministic');
  for (const s of stems) assert.doesNotMatch(s, /[/\\]/);
});

test('a folder walk follows linked photos and folders, and ends on a link cycle', async () => {
  const dir = await photos(['real/a.jpg', 'other/b.jpg']);
  await mkdir(join(dir, 'in'));
  await symlink(join(dir, 'real', 'a.jpg'), join(dir, 'in', 'linked.jpg'));
  await symlink(join(dir, 'other'), join(dir, 'in', 'sub'));
  await symlink(join(dir, 'in'), join(dir, 'in', 'loop'));
  await symlink(join(dir, 'gone.jpg'), join(dir, 'in', 'broken.jpg'));
  const { files, missing } = await collectImageFiles([join(dir, 'in')]);
  assert.deepEqual(files, [join(dir, 'in', 'linked.jpg'), join(dir, 'in', 'sub', 'b.jpg')]);
  assert.deepEqual(missing, [
    {
      path: join(dir, 'in', 'broken.jpg'),
      reason: 'file_not_found',
      message: `no such file or folder: ${join(dir, 'in', 'broken.jpg')}`,
      input: 0,
    },
  ]);
});

test('excluded folders are never searched; an input that is one is refused', async () => {
  const dir = await photos(['a.jpg', 'out/photos/a.cushing.regions.png', 'deep/out2/b.png', 'deep/c.jpg']);
  const { files } = await collectImageFiles([dir], {
    exclude: [join(dir, 'out', 'photos'), join(dir, 'deep', 'out2'), join(dir, 'not-yet')],
  });
  assert.deepEqual(files, [join(dir, 'a.jpg'), join(dir, 'deep', 'c.jpg')]);
  // Through a link too: the real path is compared.
  await symlink(join(dir, 'out'), join(dir, 'link-to-out'));
  const linked = await collectImageFiles([join(dir, 'link-to-out')], {
    exclude: [join(dir, 'out', 'photos')],
  });
  assert.deepEqual(linked.files, []);
  await assert.rejects(
    collectImageFiles([dir], { exclude: [dir] }),
    (e: unknown) => e instanceof EndofaceError && e.code === 'input_in_output_folder',
  );
});

test('the files of an earlier run’s figure folders are passed over unless named; their subfolders are searched', async () => {
  const dir = await photos([
    'a.jpg',
    'results/photos/a.cushing.regions.png',
    'phantoms/images/a_cushing.jpg',
    'study/overlay.regions.png',
    'study/patients/p.jpg',
    'sub/x.jpg',
  ]);
  // As runs leave them: screen and simulate mark their figure subfolders; explain and evaluate, which
  // write figures into --out itself, mark it — and a user may keep photos below it.
  await prepareOutputDir(join(dir, 'results'), { subfolders: ['photos'], runFile: 'screen.json' });
  await prepareOutputDir(join(dir, 'phantoms'), { subfolders: ['images'], runFile: 'manifest.csv' });
  await prepareOutputDir(join(dir, 'study'), { runFile: 'explanations.csv' });
  await writeFile(join(dir, 'results', 'screen.json'), '{}');
  await mkdir(join(dir, 'empty'));
  const walked = await collectImageFiles([dir]);
  assert.deepEqual(walked.files, [
    join(dir, 'a.jpg'),
    join(dir, 'study', 'patients', 'p.jpg'),
    join(dir, 'sub', 'x.jpg'),
  ]);
  assert.deepEqual(walked.earlierOutputs, [
    join(dir, 'phantoms', 'images'),
    join(dir, 'results', 'photos'),
    join(dir, 'study'),
  ]);
  assert.deepEqual(walked.missing, []);
  assert.deepEqual(walked.emptyFolders, []);
  const [passedOver] = collectionNotes(walked);
  assert.match(
    passedOver,
    /^passed over what earlier endoface runs wrote .*: .*phantoms\/images, .*results\/photos, .*study; name such a folder to read it$/,
  );
  // Named, the phantoms are photos (a simulate run's images/ is meant to be screened) — also when a
  // folder above was searched first; a named folder already searched is not "without photos".
  const named = await collectImageFiles([
    dir,
    join(dir, 'phantoms', 'images'),
    join(dir, 'sub'),
    join(dir, 'empty'),
  ]);
  assert.ok(named.files.includes(join(dir, 'phantoms', 'images', 'a_cushing.jpg')));
  assert.equal(named.files.length, 4);
  assert.deepEqual(named.earlierOutputs, [join(dir, 'results', 'photos'), join(dir, 'study')]);
  assert.deepEqual(named.missing, []);
  assert.deepEqual(named.emptyFolders, [join(dir, 'empty')]);
  assert.match(collectionNotes(named)[1], new RegExp(`no photos .* in ${join(dir, 'empty')}$`));
  // A plain output folder (predict's --csv) is not marked, nor a run folder that has figure subfolders.
  await prepareOutputDir(join(dir, 'csv-here'));
  assert.ok(existsSync(join(dir, 'study', OUTPUT_MARKER)));
  assert.ok(!existsSync(join(dir, 'csv-here', OUTPUT_MARKER)));
  assert.ok(!existsSync(join(dir, 'results', OUTPUT_MARKER)));
});

test('photos with identical bytes under several names are said once per group; unreadable ones do not count', () => {
  assert.equal(sameContentNote(['a.jpg', 'b.jpg'], ['h1', 'h2']), undefined);
  assert.equal(sameContentNote(['a.jpg', 'b.jpg'], [undefined, undefined]), undefined);
  const note = sameContentNote(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'], ['h1', 'h2', 'h1', undefined]);
  assert.match(note!, /identical bytes.*: a\.jpg = c\.jpg — count each once/);
  assert.doesNotMatch(note!, /b\.jpg|d\.jpg/);
});
