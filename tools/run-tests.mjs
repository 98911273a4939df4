#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner (TypeScript through tsx).
// Node 20's --test does not expand globs, so the files are found here.
// Usage: node tools/run-tests.mjs [substring filter…]
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

// The tests read real photos and reference cases from the project's shared folder; say so once
// instead of failing dozens of tests with ENOENT. (Same rule as tools/lib/public-data.ts, which
// this plain-JS runner cannot import.)
const shared = process.env.ENDOFACE_SHARED
  ? resolve(process.env.ENDOFACE_SHARED)
  : resolve(import.meta.dirname, '..', '..', 'shared');
const needed = [
  join(shared, 'data', 'webmorph-3dsk', 'labels.csv'),
  join(shared, 'reference', 'stats-case-a'),
];
if (!needed.every((p) => existsSync(p))) {
  console.error(
    `The tests need the project's shared folder (public face sets in data/, reference cases in reference/), looked for at ${shared}.\n` +
      'Clone endoface beside it (../shared) or set ENDOFACE_SHARED=/path/to/shared.',
  );
  process.exit(1);
}

const filters = process.argv.slice(2);
const files = findTests('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
