/**
 * Makes the bundled example phantoms (examples/phantoms/) from the example studio faces, so that
 * `npm start` shows the whole system on faces with and without simulated signs. Deterministic.
 * Usage: npx tsx tools/make-examples.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { simulatePhenotype, type Condition } from '../src/simulate/index.js';

const EXAMPLES: [string, Condition, number][] = [
  ['canada_008f', 'cushing', 0.8],
  ['female_agata', 'acromegaly', 0.8],
  ['canada_095m', 'acromegaly', 0.8],
  ['male_alex', 'cushing', 0.8],
];
mkdirSync('examples/phantoms', { recursive: true });
for (const [name, condition, severity] of EXAMPLES) {
  const p = await simulatePhenotype(`examples/${name}.jpg`, { condition, severity, seed: 1, encode: 'jpeg' });
  const out = `examples/phantoms/${name}_${condition}_s${severity}.jpg`;
  writeFileSync(out, p.encoded!);
  console.log(`wrote ${out}: ${p.changes.map((c) => `${c.sign} ${c.magnitude.toFixed(2)}`).join(', ')}`);
}
