/**
 * The detail the fill borrows from the mean face (mean-face.png, built by tools/build-mean-face.ts
 * from the 140 aligned studio faces): its high frequencies, mean face − Gσ ∗ mean face, at the same
 * σ as the fill's own smoothing. Added to the inpainted colours, it puts typical brows, eye
 * openings, nostrils and lip lines where the masked ones were — in the face's own skin tone (the
 * low frequencies still come from the face itself) — so a masked region looks like an average
 * region, not like a hole smoothed over.
 */
import { readFile } from 'node:fs/promises';
import { ASSETS, assetUrl } from '../../runtime/index.js';
import { gaussianPlanes } from './fill.js';

const cache = new Map<string, Promise<Float32Array>>();

/** High-pass detail of the mean face for a crop of `size` pixels and a fill of σ `sigmaPx`; loaded once. */
export function meanFaceDetail(size: number, sigmaPx: number): Promise<Float32Array> {
  const key = `${size}|${sigmaPx}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const sharp = (await import('sharp')).default;
      const png = await readFile(assetUrl(ASSETS.meanFace));
      const { data } = await sharp(png)
        .resize(size, size)
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const planes = [0, 1, 2].map((c) =>
        Float32Array.from({ length: size * size }, (_, i) => data[3 * i + c]),
      );
      // Normalised by the blurred ones-plane, so the border is not darkened by the zero padding.
      const low = [...planes.map((p) => Float32Array.from(p)), new Float32Array(size * size).fill(1)];
      gaussianPlanes(low, size, size, sigmaPx);
      const detail = new Float32Array(size * size * 3);
      for (let i = 0; i < size * size; i++)
        for (let c = 0; c < 3; c++) detail[3 * i + c] = planes[c][i] - low[c][i] / low[3][i];
      return detail;
    })();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}
