/**
 * The neutral fill that "removes" part of a face for the descriptor network: the masked pixels are
 * inpainted from the pixels around them by normalized convolution (Knutsson & Westin 1993) — a
 * heavy Gaussian average of the unmasked neighbours, so each masked pixel takes the colour of the
 * skin around the hole — plus, by default, the fine detail of the mean face (mean-face.ts) at the
 * same place: typical brows, eye openings, nostrils and lip lines in this face's own skin tone.
 * A masked region thus looks like an average region, not like a hole.
 *
 * Why this fill and not another:
 * - black (or grey) fill, as in the original occlusion experiments, is far off the distribution the
 *   descriptor networks were trained on: the score then measures "a black hole in a face", not the
 *   absence of the region's evidence;
 * - a blur of the region itself keeps its mean colour and its coarse shape, so a colour sign (cheek
 *   redness) or a wide nose partly survives the masking;
 * - a smooth inpainting alone removes the evidence but leaves a featureless patch — masking the
 *   eyebrows leaves a face without eyebrows, which moves the descriptor far more than "ordinary
 *   eyebrows" would. Measured on the pointing game (nose-widening phantoms, faceres screen): the nose
 *   ranked first in 79 % of held-out phantoms with the smooth fill, 90 % with the mean-face detail;
 * - the mean face alone brings another skin tone and lighting; here it lends only its high
 *   frequencies, the low frequencies (colour, shading) come from the face itself;
 * - learned inpainting needs a model endoface does not ship.
 */
import type { RgbImage } from '../../image/index.js';

/** Where the fill may sample colours from. */
export type FillSource = 'face' | 'any';

export interface FillOptions {
  /** Standard deviation of the Gaussian average, in crop pixels. Default 5 % of the crop side. */
  sigmaPx?: number;
  /**
   * Colour used where no unmasked source pixel lies within reach (e.g. every region masked at
   * once). Default: the mean colour of the `sources` pixels of the image.
   */
  fallback?: readonly [number, number, number];
  /**
   * Fine detail added to the fill, crop-sized, 3 channels, zero-mean (see mean-face.ts: the mean
   * face's high frequencies). Default none: a smooth fill.
   */
  detail?: Float32Array;
}

/** The default σ of the fill: 5 % of the crop side (11 px on a 224-px crop). */
export const defaultFillSigma = (cropSide: number): number => 0.05 * cropSide;

/** Weight added to every pixel, so that where no source reaches, the fill becomes `fallback` smoothly. */
const EPSILON = 1e-4;

/**
 * One pass of a box filter of radius r along rows (dx = 1) or columns of a w × h plane, in place
 * (via `tmp`), normalised by the box size. Three passes approximate a Gaussian (Wells 1986).
 */
function boxPass(
  plane: Float32Array,
  tmp: Float32Array,
  w: number,
  h: number,
  r: number,
  alongRows: boolean,
) {
  const len = alongRows ? w : h;
  const lines = alongRows ? h : w;
  const step = alongRows ? 1 : w;
  const inv = 1 / (2 * r + 1);
  for (let line = 0; line < lines; line++) {
    const base = alongRows ? line * w : line;
    let sum = 0;
    for (let k = 0; k <= Math.min(r, len - 1); k++) sum += plane[base + k * step];
    for (let i = 0; i < len; i++) {
      tmp[i] = sum * inv;
      const add = i + r + 1;
      const drop = i - r;
      if (add < len) sum += plane[base + add * step];
      if (drop >= 0) sum -= plane[base + drop * step];
    }
    for (let i = 0; i < len; i++) plane[base + i * step] = tmp[i];
  }
}

/** Approximate Gaussian blur of several planes (w × h each, in place) by three box passes each way. */
export function gaussianPlanes(planes: Float32Array[], w: number, h: number, sigma: number): void {
  // Box width for three passes: σ² = 3·((2r+1)² − 1)/12.
  const r = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  const tmp = new Float32Array(Math.max(w, h));
  for (const p of planes) {
    for (let k = 0; k < 3; k++) {
      boxPass(p, tmp, w, h, r, true);
      boxPass(p, tmp, w, h, r, false);
    }
  }
}

/** Mean colour of the pixels where `where` is non-zero (all pixels when omitted). */
export function meanColour(image: RgbImage, where?: ArrayLike<number>): [number, number, number] {
  const s = [0, 0, 0];
  let n = 0;
  for (let i = 0; i < image.width * image.height; i++) {
    if (where && !where[i]) continue;
    for (let c = 0; c < 3; c++) s[c] += image.data[3 * i + c];
    n++;
  }
  return n > 0 ? [s[0] / n, s[1] / n, s[2] / n] : [128, 128, 128];
}

/**
 * Inpaints the pixels where `mask` is 1 by normalized convolution over the pixels where `sources`
 * is 1 and `mask` is 0: value = G∗(source·image) / G∗source, computed only in the mask's bounding
 * box grown by 3σ. Pixels outside the mask are returned unchanged.
 *
 * @param image the aligned crop
 * @param mask 1 = replace this pixel (width × height)
 * @param sources 1 = this pixel may lend its colour (e.g. face pixels only); omitted = every pixel
 */
export function inpaintMasked(
  image: RgbImage,
  mask: Uint8Array,
  sources?: Uint8Array,
  options: FillOptions = {},
): RgbImage {
  const { width, height, data } = image;
  const sigma = options.sigmaPx ?? defaultFillSigma(Math.max(width, height));
  let x0 = width,
    y0 = height,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const out = { data: Uint8Array.from(data), width, height };
  if (x1 < 0) return out;
  const fallback = options.fallback ?? meanColour(image, sources);
  const margin = Math.ceil(3 * sigma);
  const wx0 = Math.max(0, x0 - margin);
  const wy0 = Math.max(0, y0 - margin);
  const w = Math.min(width, x1 + margin + 1) - wx0;
  const h = Math.min(height, y1 + margin + 1) - wy0;
  const planes = [0, 1, 2, 3].map(() => new Float32Array(w * h));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y + wy0) * width + (x + wx0);
      if (mask[i] || (sources && !sources[i])) continue;
      const j = y * w + x;
      planes[0][j] = data[3 * i];
      planes[1][j] = data[3 * i + 1];
      planes[2][j] = data[3 * i + 2];
      planes[3][j] = 1;
    }
  }
  gaussianPlanes(planes, w, h, sigma);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y + wy0) * width + (x + wx0);
      if (!mask[i]) continue;
      const j = y * w + x;
      const den = planes[3][j] + EPSILON;
      for (let c = 0; c < 3; c++) {
        const v = (planes[c][j] + EPSILON * fallback[c]) / den + (options.detail?.[3 * i + c] ?? 0);
        out.data[3 * i + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}
