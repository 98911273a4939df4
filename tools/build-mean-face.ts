/**
 * Builds the mean face the explainer's fill borrows its detail from (assets/mean-face.png): the
 * pixel-wise mean of the aligned 224 × 224 crops of the 140 studio faces (webmorph-3dsk +
 * webmorph-canada, CC BY 4.0; the same faces as assets/canonical-mesh.json). The alignment puts
 * eyes, nose tip and mouth corners at fixed places, so the mean is a registered "average face":
 * typical brows, eyes, nose and lips, no one's identity.
 * Usage: npx tsx tools/build-mean-face.ts
 */
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { analyzeFace } from '../src/face/index.js';
import { studioPhotos } from './lib/public-data.js';

const ROOT = resolve(import.meta.dirname, '..');
const size = 224;
const sum = new Float64Array(size * size * 3);
let n = 0;
for (const p of studioPhotos()) {
  const a = await analyzeFace(p.file);
  if (!a.aligned || a.quality.status === 'reject') continue;
  a.aligned.image.data.forEach((v, i) => (sum[i] += v));
  n++;
}
const out = Uint8Array.from(sum, (v) => Math.round(v / n));
await sharp(Buffer.from(out), { raw: { width: size, height: size, channels: 3 } })
  .png({ compressionLevel: 9 })
  .toFile(join(ROOT, 'assets', 'mean-face.png'));
console.log(`wrote assets/mean-face.png: the mean of ${n} aligned studio faces`);
