/**
 * How `screen` and `explain` collect their photos, end to end through the CLI on real photos: output
 * names that never collide, linked photos, output folders never searched, missing manifest rows
 * listed in place. Kept fast: a few photos, no heatmaps.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { runCli } from '../helpers/cli.js';

const EXAMPLES = resolve(import.meta.dirname, '..', '..', 'examples');

/** Puts a copy of an example face at each path (converted to PNG for `.png`), creating folders. */
async function place(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, example] of Object.entries(files)) {
    const to = join(dir, name);
    await mkdir(join(to, '..'), { recursive: true });
    if (name.endsWith('.png')) await sharp(join(EXAMPLES, example)).png().toFile(to);
    else await copyFile(join(EXAMPLES, example), to);
  }
}

interface ScreenJson {
  results: { file: string; scored: boolean; notScored?: { code: string } }[];
}

test('screen -o DIR DIR: one output per photo (same stem, non-ASCII, linked), never its own figures', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-screen-inputs-'));
  await place(dir, {
    'face.jpg': 'canada_008f.jpg',
    'face.png': 'male_alex.jpg',
    '张三.jpg': 'canada_095m.jpg',
    '李四.jpg': 'female_agata.jpg',
    // A face where an earlier run put its figures: scored, it would be P = 1.000 on itself.
    'photos/face.cushing.regions.png': 'canada_095m.jpg',
  });
  await mkdir(join(dir, 'elsewhere'));
  await copyFile(join(EXAMPLES, 'male_alex.jpg'), join(dir, 'elsewhere', 'alex.jpg'));
  await symlink(join(dir, 'elsewhere', 'alex.jpg'), join(dir, 'linked.jpg'));
  const r = runCli(['screen', '-o', dir, dir, '--heatmap', 'none', '--no-cache', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(await readFile(join(dir, 'screen.json'), 'utf8')) as ScreenJson;
  const names = ['elsewhere/alex.jpg', 'face.jpg', 'face.png', 'linked.jpg', '张三.jpg', '李四.jpg'];
  assert.deepEqual(json.results.map((x) => x.file).sort(), names.map((n) => join(dir, n)).sort());
  assert.ok(json.results.every((x) => x.scored));
  const written = (await readdir(join(dir, 'photos'))).filter((f) => f.endsWith('.json')).sort();
  assert.equal(written.length, names.length, written.join(', '));
  for (const stem of ['face.jpg', 'face.png', '张三', '李四', 'linked'])
    assert.ok(
      written.some((f) => f.includes(stem)),
      stem,
    );
});

test('screen lists a manifest row whose photo is missing as file_not_found, in input order; a missing path named is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-screen-manifest-'));
  await place(dir, { 'a.jpg': 'canada_008f.jpg', 'b.jpg': 'male_alex.jpg' });
  await writeFile(join(dir, 'm.csv'), 'file,subject_id,sex,age\na.jpg,s1,female,18\ngone.jpg,s2,male,30\n');
  const absent = join(dir, 'not-here.jpg');
  // A path named that does not exist is a typo: refused before anything is loaded.
  const typo = runCli(['screen', join(dir, 'm.csv'), absent, join(dir, 'b.jpg'), '--no-cache']);
  assert.equal(typo.status, 1);
  assert.match(typo.stderr, /^file_not_found: no such file or folder: .*not-here\.jpg\n$/);
  assert.equal(typo.stdout, '', 'an error before the banner');
  const r = runCli(['screen', join(dir, 'm.csv'), join(dir, 'b.jpg'), '--no-cache', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as ScreenJson;
  assert.deepEqual(
    json.results.map((x) => [x.file, x.scored, x.notScored?.code]),
    [
      [join(dir, 'a.jpg'), true, undefined],
      [join(dir, 'gone.jpg'), false, 'file_not_found'],
      [join(dir, 'b.jpg'), true, undefined],
    ],
  );
});

test('explain: output folder inside the input never searched, missing manifest rows listed, stems unique', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-explain-inputs-'));
  await place(dir, {
    'in/face.jpg': 'canada_008f.jpg',
    'in/face.png': 'male_alex.jpg',
    'in/out/face.regions.png': 'canada_095m.jpg',
  });
  await writeFile(join(dir, 'm.csv'), 'file,subject_id\ngone.jpg,s1\n');
  const out = join(dir, 'in', 'out');
  const args = ['--no-heatmap', '--no-saliency', '--no-sanity', '--workers', '0'];
  const r = runCli([
    'explain',
    '-m',
    'models/default',
    join(dir, 'm.csv'),
    join(dir, 'in'),
    '-o',
    out,
    ...args,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /gone\.jpg {2}not explained: file_not_found/);
  for (const stem of ['face.jpg', 'face.png']) assert.ok(existsSync(join(out, `${stem}.json`)), stem);
  const csv = (await readFile(join(out, 'explanations.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv.length, 4, 'header, two photos, one missing');
  assert.ok(!csv.some((line) => line.includes('face.regions.png')), 'its own figure');

  // Figures written straight into the input folder could not be told from its photos: refused.
  const same = runCli(['explain', '-m', 'models/default', join(dir, 'in'), '-o', join(dir, 'in'), ...args]);
  assert.equal(same.status, 1);
  assert.match(same.stderr, /input_in_output_folder/);
});
