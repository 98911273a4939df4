/**
 * The docs figure of the named facial regions (src/face/regions.ts): a studio face from examples/
 * with each crop pixel tinted by its region (nearest mesh vertex), the 468 mesh vertices dotted in
 * their region's colour (grey: no region), and a legend. Bilateral pairs share a hue, the subject's
 * right a shade darker. Writes docs/figures/regions.png.
 * Usage: npx tsx tools/make-region-figure.ts [photo]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { paintRegions, photoToCropMatrix } from '../src/explain/render/index.js';
import { analyzeFace } from '../src/face/index.js';
import { REGION_NAMES, REGIONS, regionLabelMap, VERTEX_REGION } from '../src/face/regions.js';
import { decodeImage } from '../src/image/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const file = process.argv[2] ?? join(ROOT, 'examples', 'canada_008f.jpg');

// Tableau 10, one hue per anatomical region; the subject's right side of a pair is darkened.
const HUES: Record<string, [number, number, number]> = {
  forehead: [78, 121, 167],
  browRidge: [242, 142, 43],
  eye: [118, 183, 178],
  nose: [225, 87, 89],
  cheek: [89, 161, 79],
  upperLip: [237, 201, 72],
  lips: [176, 122, 161],
  chin: [255, 157, 167],
  jaw: [156, 117, 95],
  preauricular: [186, 176, 172],
};
const colourOf = (name: string): [number, number, number] => {
  const base = HUES[name.replace(/(Right|Left)$/, '')];
  return name.endsWith('Right') ? (base.map((v) => Math.round(v * 0.72)) as [number, number, number]) : base;
};
const hex = (c: readonly number[]): string => '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');

const photo = await decodeImage(file);
const a = await analyzeFace(photo);
if (!a.aligned || !a.primary) throw new Error(`no face in ${file}`);
const size = a.aligned.image.width;
const labels = regionLabelMap(a.aligned.meshCrop, size, size);
const toCrop = photoToCropMatrix(a, photo);
const painted = paintRegions(
  photo,
  toCrop,
  labels,
  size,
  (r, out, o) => {
    const c = colourOf(REGION_NAMES[r]);
    for (let k = 0; k < 3; k++) out[o + k] = Math.round(0.55 * out[o + k] + 0.45 * c[k]);
  },
  40,
);

// The face's bounding box in the photo, with a margin, is what the figure shows.
const xs = a.primary.meshPx.map((p) => p[0] * photo.scale);
const ys = a.primary.meshPx.map((p) => p[1] * photo.scale);
const margin = 0.16 * (Math.max(...xs) - Math.min(...xs));
const left = Math.max(0, Math.floor(Math.min(...xs) - margin));
const top = Math.max(0, Math.floor(Math.min(...ys) - margin));
const width = Math.min(photo.width, Math.ceil(Math.max(...xs) + margin)) - left;
const height = Math.min(photo.height, Math.ceil(Math.max(...ys) + margin)) - top;
const H = 720;
const scale = H / height;
const W = Math.round(width * scale);
const dots = a.primary.meshPx
  .slice(0, 468)
  .map((p, v) => {
    const r = VERTEX_REGION[v];
    const fill = r < 0 ? '#9a9a9a' : hex(colourOf(REGION_NAMES[r]));
    return `<circle cx="${((p[0] * photo.scale - left) * scale).toFixed(1)}" cy="${((p[1] * photo.scale - top) * scale).toFixed(1)}" r="2.6" fill="${fill}" stroke="#111" stroke-width="0.6"/>`;
  })
  .join('');
const legendW = 430;
const entries = REGION_NAMES.map(
  (name, i) =>
    `<rect x="16" y="${70 + i * 40}" width="26" height="26" fill="${hex(colourOf(name))}" stroke="#333"/>` +
    `<text x="52" y="${89 + i * 40}" font-size="17">${REGIONS[name].label}</text>`,
).join('');
const svg =
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W + legendW}" height="${H}" font-family="DejaVu Sans, Arial, sans-serif" fill="#222">` +
  `${dots}<g transform="translate(${W},0)"><text x="16" y="40" font-size="20" font-weight="bold">Named facial regions</text>${entries}` +
  `<text x="16" y="${H - 40}" font-size="13" fill="#555">dots: the 468 mesh vertices (grey: none)</text>` +
  `<text x="16" y="${H - 20}" font-size="13" fill="#555">right / left = the subject's</text></g></svg>`;
const face = await sharp(Buffer.from(painted.data), {
  raw: { width: photo.width, height: photo.height, channels: 3 },
})
  .extract({ left, top, width, height })
  .resize(W, H)
  .png()
  .toBuffer();
const png = await sharp({ create: { width: W + legendW, height: H, channels: 3, background: '#ffffff' } })
  .composite([
    { input: face, left: 0, top: 0 },
    { input: Buffer.from(svg), left: 0, top: 0 },
  ])
  .png()
  .toBuffer();
mkdirSync(join(ROOT, 'docs', 'figures'), { recursive: true });
writeFileSync(join(ROOT, 'docs', 'figures', 'regions.png'), png);
console.log(`wrote docs/figures/regions.png from ${file}`);
