// Loads the reference cases (shared/reference/stats-case-*/, see tools/lib/public-data.ts for where shared is).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SHARED } from '../../tools/lib/public-data.js';

export const REFERENCE_DIR = pathToFileURL(`${SHARED}/reference/`);
export const CASES = ['stats-case-a', 'stats-case-b'] as const;

export interface ReferenceCase {
  name: string;
  image: string[];
  patient: string[];
  label: number[];
  model: number[];
  reader1: number[];
  reader2: number[];
  sex: string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  expected: any;
  csv: string;
}

export function loadCase(name: string): ReferenceCase {
  const csv = readFileSync(new URL(`${name}/cases.csv`, REFERENCE_DIR), 'utf8');
  const [head, ...lines] = csv.trim().split(/\r?\n/);
  const cols = head.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
  return {
    name,
    image: rows.map((r) => r.image),
    patient: rows.map((r) => r.patient),
    label: rows.map((r) => Number(r.label)),
    model: rows.map((r) => Number(r.model)),
    reader1: rows.map((r) => Number(r.reader1)),
    reader2: rows.map((r) => Number(r.reader2)),
    sex: rows.map((r) => r.sex),
    expected: JSON.parse(readFileSync(new URL(`${name}/expected.json`, REFERENCE_DIR), 'utf8')),
    csv,
  };
}

/** Asserts |actual − expected| ≤ tol, naming the key. */
export function close(actual: number | null | undefined, expected: number, tol: number, key: string): void {
  if (typeof actual !== 'number' || !(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${key}: got ${actual}, expected ${expected} (tolerance ${tol})`);
  }
}
