#!/usr/bin/env node
// Copies the data files that src/ modules read beside themselves (the canonical mesh, the mean face)
// into dist/, which tsc does not do. Run by `npm run build`.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ASSET = /\.(json|png)$/;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (ASSET.test(name)) cpSync(path, join('dist', relative('src', path)));
  }
}
walk('src');
