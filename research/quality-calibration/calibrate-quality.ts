/**
 * Prints the distribution of every quality measure per public set, to choose (and re-check) the
 * defaults in src/face/quality.ts. Usage: npx tsx research/quality-calibration/calibrate-quality.ts [maxPerSet]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA } from '../../tools/lib/public-data.js';
import { analyzeFace } from '../../src/face/index.js';

const maxPerSet = Number(process.argv[2] ?? 200);
const sets = [
  'webmorph-3dsk',
  'webmorph-canada',
  'webmorph-cc0-lisa-zoom',
  'utkface-crop-part1',
  'disease-examples',
];

function files(set: string): string[] {
  const rows = readFileSync(join(DATA, set, 'labels.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const step = Math.max(1, Math.floor(rows.length / maxPerSet));
  return rows
    .filter((_, i) => i % step === 0)
    .slice(0, maxPerSet)
    .map((r) => join(DATA, set, r.split(',')[0]));
}

const q = (xs: number[], p: number): number =>
  xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
for (const set of sets) {
  const values: Record<string, number[]> = {};
  const status: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  for (const f of files(set)) {
    const a = await analyzeFace(f);
    status[a.quality.status] = (status[a.quality.status] ?? 0) + 1;
    for (const r of a.quality.reasons)
      reasons[`${r.code}:${r.severity}`] = (reasons[`${r.code}:${r.severity}`] ?? 0) + 1;
    for (const [k, v] of Object.entries(a.quality.measures)) (values[k] ??= []).push(Math.abs(v as number));
  }
  console.log(`\n## ${set}`, JSON.stringify(status), JSON.stringify(reasons));
  for (const [k, v] of Object.entries(values)) {
    console.log(
      k.padEnd(16),
      ['min', 0, 'p01', 0.01, 'p50', 0.5, 'p99', 0.99, 'max', 1]
        .reduce<string[]>(
          (acc, x, i, arr) => (i % 2 ? acc : [...acc, `${x}=${q(v, arr[i + 1] as number).toFixed(3)}`]),
          [],
        )
        .join('  '),
    );
  }
}
