/**
 * Renders the simulator figure (docs/commands/simulate.md, docs/methods/simulation.md): one bundled studio face (examples/, CC BY 4.0, see
 * examples/ATTRIBUTION.md) as a phantom at severities 0, 0.3, 0.6 and 1 for each condition, in a
 * 2 × 4 grid with labels, written to docs/figures/simulation.png.
 * Usage: npx tsx tools/make-simulation-figure.ts [photo=examples/female_agata.jpg]
 */
import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { analyzeFace, MESH_CONTOURS } from '../src/face/index.js';
import { decodeImage } from '../src/image/index.js';
import { simulatePhenotype, type Condition } from '../src/simulate/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const photo = resolve(ROOT, process.argv[2] ?? 'examples/female_agata.jpg');
const out = resolve(ROOT, 'docs/figures/simulation.png');
const SEVERITIES = [0, 0.3, 0.6, 1];
const ROWS: { condition: Condition; label: string }[] = [
  { condition: 'cushing', label: "Cushing's-like" },
  { condition: 'acromegaly', label: 'acromegaly-like' },
];
const TILE_W = 210;
const LEFT = 34;
const TOP = 30;
const BOTTOM = 24;

const image = await decodeImage(photo);
const analysis = await analyzeFace(image);
if (!analysis.primary) throw new Error(`no face in ${photo}`);

// One crop for every tile: the face oval's bounding box, grown to take in the brow, jaw and chin.
const oval = MESH_CONTOURS.faceOval.map((i) => analysis.primary!.meshPx[i]);
const xs = oval.map((p) => p[0]);
const ys = oval.map((p) => p[1]);
const [w, h] = [Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
const left = Math.max(0, Math.round(Math.min(...xs) - 0.12 * w));
const top = Math.max(0, Math.round(Math.min(...ys) - 0.02 * h));
const width = Math.min(image.width - left, Math.round(1.24 * w));
const height = Math.min(image.height - top, Math.round(1.18 * h));
const tileH = Math.round((TILE_W * height) / width);

const tiles: OverlayOptions[] = [];
for (const [r, { condition }] of ROWS.entries()) {
  for (const [c, severity] of SEVERITIES.entries()) {
    const p = await simulatePhenotype(image, { condition, severity, analysis });
    const tile = await sharp(p.image.data, {
      raw: { width: p.image.width, height: p.image.height, channels: 3 },
    })
      .extract({ left, top, width, height })
      .resize(TILE_W, tileH)
      .png()
      .toBuffer();
    tiles.push({ input: tile, left: LEFT + c * TILE_W, top: TOP + r * tileH });
  }
}

const W = LEFT + SEVERITIES.length * TILE_W;
const H = TOP + ROWS.length * tileH + BOTTOM;
const text = (x: number, y: number, s: string, extra = '', size = 15, fill = '#222'): string =>
  `<text x="${x}" y="${y}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${size}" fill="${fill}" ${extra}>${s}</text>`;
const svg = `<svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">
  ${SEVERITIES.map((s, c) => text(LEFT + c * TILE_W + TILE_W / 2, 20, `severity ${s}`, 'text-anchor="middle"')).join('')}
  ${ROWS.map(({ label }, r) => text(22, TOP + r * tileH + tileH / 2, label, `text-anchor="middle" transform="rotate(-90 22 ${TOP + r * tileH + tileH / 2})"`)).join('')}
  ${text(W / 2, H - 7, `Simulated phenotypes of a healthy volunteer (${basename(photo)}, CC BY 4.0, DeBruine &amp; Jones); not a patient.`, 'text-anchor="middle"', 11, '#555')}
</svg>`;

mkdirSync(dirname(out), { recursive: true });
await sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } })
  .composite([...tiles, { input: Buffer.from(svg), left: 0, top: 0 }])
  .png({ compressionLevel: 9, palette: true, quality: 95, dither: 0.5 })
  .toFile(out);
console.log(`${out}: ${W}×${H}, ${(statSync(out).size / 1024).toFixed(0)} KB`);
