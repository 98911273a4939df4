import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareOutputDir } from '../../src/io/output-dir.js';

test('the output folder is created, or refused with output_not_writable naming the file in the way', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-outdir-'));
  assert.deepEqual(
    await prepareOutputDir(join(dir, 'new', 'deep'), { subfolders: ['photos'], runFile: 'screen.json' }),
    {},
  );
  assert.ok(existsSync(join(dir, 'new', 'deep', 'photos')));
  const file = join(dir, 'file');
  await writeFile(file, 'x');
  for (const [out, sub] of [
    [file, []],
    [join(file, 'below'), []],
  ] as const)
    await assert.rejects(prepareOutputDir(out, { subfolders: sub }), {
      code: 'output_not_writable',
      message: new RegExp(`${file} is a file, not a folder`),
    });
  await mkdir(join(dir, 'out'));
  await writeFile(join(dir, 'out', 'photos'), 'x');
  await assert.rejects(prepareOutputDir(join(dir, 'out'), { subfolders: ['photos'] }), {
    code: 'output_not_writable',
    message: /out\/photos is a file, not a folder/,
  });

  // A folder that holds an earlier run's summary: kept, and said.
  await writeFile(join(dir, 'new', 'deep', 'screen.json'), '{}');
  const { earlierRun } = await prepareOutputDir(join(dir, 'new', 'deep'), { runFile: 'screen.json' });
  assert.match(
    earlierRun ?? '',
    /holds an earlier run \(screen\.json of .*\): it is replaced; files of photos not in this run are left/,
  );
});
