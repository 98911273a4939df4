// oof-predictions.csv names each photo relative to the bundle folder, so the file reads the same
// whatever the shell's folder when train ran, and evaluate reads it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { studioFaces } from '../helpers/data.js';

test('oof-predictions.csv image paths are relative to the bundle and evaluate reads them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-oof-'));
  try {
    const faces = studioFaces().filter((f) => f.set === 'webmorph-3dsk');
    const pick = [
      ...faces.filter((f) => f.sex === 'female').slice(0, 6),
      ...faces.filter((f) => f.sex === 'male').slice(0, 6),
    ];
    const manifest = join(dir, 'cohort.csv');
    const rows = pick.map((f) => `${f.path},${f.faceId},${f.sex}`);
    await writeFile(manifest, ['file,subject_id,label', ...rows].join('\n') + '\n');
    const bundle = join(dir, 'bundles', 'sex');
    const t = runCli(
      ['train', '--data', manifest, '--task', 'sex', '--positive', 'male', '--negative', 'female']
        .concat(['--features', 'morphometrics', '--folds', '3', '--inner-folds', '2', '--out', bundle])
        .concat(['--cache', join(dir, 'cache.sqlite')]),
    );
    assert.equal(t.status, 0, t.stderr);
    const lines = (await readFile(join(bundle, 'oof-predictions.csv'), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 13);
    for (const line of lines.slice(1)) {
      const image = line.split(',')[0];
      assert.ok(!image.startsWith('/'), image);
      assert.ok(existsSync(resolve(bundle, image)), `${image} does not resolve from the bundle`);
    }
    const e = runCli(
      ['evaluate', '--predictions', join(bundle, 'oof-predictions.csv')].concat([
        '--out',
        join(dir, 'eval'),
        '--bootstrap',
        '0',
      ]),
    );
    assert.equal(e.status, 0, e.stderr);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
