/**
 * Face-pipeline benchmark over the 140 studio faces (600×800): ms per photo for decode, detect + mesh,
 * align (+ quality), and photos/s single-process and with worker threads.
 * Targets (issue 2, 2-core machine): ≤ 100 ms per photo for decode + detect + mesh + align; ≥ 15 photos/s with 2 workers.
 * Usage: npx tsx bench/face.ts [workers=2]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA } from '../tools/lib/public-data.js';
import { analyzeFace, analyzeFaceBatch } from '../src/face/index.js';
import { capWorkers } from '../src/runtime/pool.js';

const files = ['webmorph-3dsk', 'webmorph-canada'].flatMap((set) =>
  readFileSync(join(DATA, set, 'labels.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((r) => join(DATA, set, r.split(',')[0])),
);
// The pool runs at most one worker per core (capWorkers); the table names the number that ran.
const requested = Number(process.argv[2] ?? 2);
const { workers, note } = requested > 0 ? capWorkers(requested) : { workers: 0, note: undefined };
if (note) console.error(note);

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

// Warm up (model load, WASM compilation) outside the timings.
const t0 = performance.now();
await analyzeFace(files[0]);
const loadMs = performance.now() - t0;

const stages = {
  decode: [] as number[],
  detect: [] as number[],
  align: [] as number[],
  quality: [] as number[],
  total: [] as number[],
};
const start = performance.now();
for (const f of files) {
  const a = await analyzeFace(f);
  stages.decode.push(a.timings.decodeMs);
  stages.detect.push(a.timings.detectMs);
  stages.align.push(a.timings.alignMs);
  stages.quality.push(a.timings.qualityMs);
  stages.total.push(a.timings.totalMs);
}
const singleRate = files.length / ((performance.now() - start) / 1000);

// Worker pool over two passes of the set (280 photos). Each worker loads its own models, so the
// rate is reported with and without that start-up (steady state: after the first 20 results).
let poolRate = NaN;
let steadyRate = NaN;
let startupMs = NaN;
if (workers > 0) {
  const s = performance.now();
  let n = 0;
  let tWarm = 0;
  for await (const o of analyzeFaceBatch([...files, ...files], { workers })) {
    if (o.ok) n++;
    if (n === 20) tWarm = performance.now();
  }
  const e = performance.now();
  poolRate = n / ((e - s) / 1000);
  steadyRate = (n - 20) / ((e - tWarm) / 1000);
  startupMs = tWarm - s;
}

const row = (name: string, v: number[], target = ''): string =>
  `| ${name.padEnd(34)} | ${mean(v).toFixed(1).padStart(7)} | ${median(v).toFixed(1).padStart(7)} | ${target.padEnd(10)} |`;
console.log(
  `\nface pipeline, ${files.length} studio photos 600×800 (model load + first photo: ${loadMs.toFixed(0)} ms)\n`,
);
console.log('| stage (ms per photo)               |    mean |  median | target     |');
console.log('|------------------------------------|---------|---------|------------|');
console.log(row('decode (sharp, EXIF, sRGB)', stages.decode));
console.log(row('detect + mesh + iris + pose', stages.detect));
console.log(row('align (224 px crop)', stages.align));
console.log(row('quality verdict', stages.quality));
console.log(row('total: decode+detect+mesh+align+QC', stages.total, '≤ 100'));
console.log('');
console.log('| throughput                         | photos/s | target |');
console.log('|------------------------------------|----------|--------|');
console.log(`| single process                     | ${singleRate.toFixed(1).padStart(8)} |        |`);
console.log(
  `| ${`${workers} workers, steady state`.padEnd(34)} | ${steadyRate.toFixed(1).padStart(8)} | ≥ 15   |`,
);
console.log(
  `| ${`${workers} workers, incl. start-up`.padEnd(34)} | ${poolRate.toFixed(1).padStart(8)} |        |`,
);
console.log(`\n(worker start-up incl. model load and first 20 photos: ${startupMs.toFixed(0)} ms)`);
