// The README's library example, run as a user would: against the built package (dist/, through
// package.json's exports map), importing the package by its name.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');

test("the README's library example runs against the built dist/", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README.md has a ```js example');
  assert.match(block, /from 'endoface'/, 'the example imports the package by its name');
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  // Inside the package (out/ is ignored by git), so that 'endoface' resolves to this package itself.
  mkdirSync(join(ROOT, 'out'), { recursive: true });
  const file = join(ROOT, 'out', 'readme-example.mjs');
  writeFileSync(file, block);
  const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  // It printed the Cushing's screen's result (a probability and its threshold) and its drivers.
  assert.match(r.stdout, /probability: 0\.\d+/);
  assert.match(r.stdout, /threshold: 0\.\d+/);
  assert.match(r.stdout, /region: '[a-zA-Z]+'/);
});
