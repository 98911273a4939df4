import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ReasonCode } from '../../src/core/index.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Runs the endoface CLI from source, as a user would, and returns its exit code and output. */
export function runCli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/cli/main.ts'), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A refusal: exit 1, `code: message` on stderr (matching `message` when given), no stack trace. */
export function assertRefused(
  r: { status: number; stderr: string },
  code: ReasonCode,
  message?: RegExp,
): void {
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^${code}: `, 'm'), r.stderr);
  if (message) assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

/** The files a run wrote in a folder, sorted, without hidden ones (the run's `.endoface-output` marker). */
export async function photoNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => !f.startsWith('.')).sort();
}
