/**
 * Simulator benchmark on 20 studio faces (600×800): ms per phantom for the warp (control displacements,
 * thin-plate-spline fit, Jacobian check, resampling), the colour edits and JPEG encoding, per
 * condition at severity 1, with the face analysis (done once per photo) left out.
 * Target (issue 5): a 600×800 phantom well under 1 s.
 * Usage: npx tsx bench/simulate.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA } from '../tools/lib/public-data.js';
import { analyzeFace } from '../src/face/index.js';
import { decodeImage } from '../src/image/index.js';
import { simulatePhenotype } from '../src/simulate/index.js';

const files = ['webmorph-3dsk', 'webmorph-canada'].flatMap((set) =>
  readFileSync(join(DATA, set, 'labels.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1, 11)
    .map((r) => join(DATA, set, r.split(',')[0])),
);

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const max = (v: number[]): number => Math.max(...v);

const photos = [];
for (const f of files) {
  const image = await decodeImage(f);
  photos.push({ image, analysis: await analyzeFace(image) });
}
// Warm up the JIT outside the timings.
await simulatePhenotype(photos[0].image, {
  condition: 'acromegaly',
  severity: 1,
  analysis: photos[0].analysis,
});

console.log(
  `${photos.length} photos, ${photos[0].image.width}×${photos[0].image.height}, severity 1, JPEG q95`,
);
console.log(
  'condition    warp (median / max)   colour (median / max)   encode   total (median / max)   area ratio (min–max)',
);
for (const condition of ['acromegaly', 'cushing'] as const) {
  const t = { warp: [] as number[], colour: [] as number[], encode: [] as number[], total: [] as number[] };
  let minArea = Infinity;
  let maxArea = 0;
  for (const { image, analysis } of photos) {
    const p = await simulatePhenotype(image, { condition, severity: 1, analysis, encode: 'jpeg' });
    t.warp.push(p.timings.warpMs);
    t.colour.push(p.timings.colourMs);
    t.encode.push(p.timings.encodeMs);
    t.total.push(p.timings.totalMs - p.timings.analyzeMs);
    minArea = Math.min(minArea, p.areaRatio.min);
    maxArea = Math.max(maxArea, p.areaRatio.max);
  }
  const f = (v: number[]): string => `${median(v).toFixed(0)} / ${max(v).toFixed(0)} ms`;
  console.log(
    `${condition.padEnd(12)} ${f(t.warp).padEnd(21)} ${f(t.colour).padEnd(23)} ${median(t.encode).toFixed(0).padStart(3)} ms   ${f(t.total).padEnd(22)} ${minArea.toFixed(2)}–${maxArea.toFixed(2)}`,
  );
}
