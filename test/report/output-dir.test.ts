import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareOutputDir } from '../../src/report/screen-run.js';

test('the output folder is created, or refused with output_not_writable naming the file in the way', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-outdir-'));
  await prepareOutputDir(join(dir, 'new', 'deep'), ['photos']);
  assert.ok(existsSync(join(dir, 'new', 'deep', 'photos')));
  const file = join(dir, 'file');
  await writeFile(file, 'x');
  for (const [out, sub] of [
    [file, []],
    [join(file, 'below'), []],
  ] as const)
    await assert.rejects(prepareOutputDir(out, sub), {
      code: 'output_not_writable',
      message: new RegExp(`${file} is a file, not a folder`),
    });
  await mkdir(join(dir, 'out'));
  await writeFile(join(dir, 'out', 'photos'), 'x');
  await assert.rejects(prepareOutputDir(join(dir, 'out'), ['photos']), {
    code: 'output_not_writable',
    message: /out\/photos is a file, not a folder/,
  });
});
