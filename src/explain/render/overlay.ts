/**
 * Draws explanations back onto the original photo. Everything is computed on the aligned crop; each
 * photo pixel is mapped into the crop through the alignment (`photoToCrop`, the inverse of
 * `cropToPhoto`), so a value at crop point p lands exactly at cropToPhoto(p) in the photo. Colours
 * come from the cool–warm map (colour-map.ts); opacity grows with |value|, so pixels that do not
 * matter keep the photo's own colours. A colour bar with the value scale sits to the right.
 */
import type { FaceAnalysis } from '../../face/index.js';
import type { DecodedImage, RgbImage } from '../../image/index.js';
import type { AffineMatrix } from '../../util/index.js';
import { coolWarm, hex } from './colour-map.js';
import type { CropGrid } from '../engine/occlusion.js';

/** How a map is drawn. */
export interface OverlayOptions {
  /** Signed (cool–warm, symmetric about 0) or a magnitude (white → warm). Default true. */
  signed?: boolean;
  /** The value drawn at full colour; default the largest |value| of the map. */
  vmax?: number;
  /** Opacity at |value| = vmax (0–1). Default 0.75. */
  maxAlpha?: number;
}

/** The map from the pixels of a decoded (possibly downscaled) photo to the aligned crop. */
export function photoToCropMatrix(analysis: FaceAnalysis, image: Pick<DecodedImage, 'scale'>): AffineMatrix {
  const [a, b, c, d, e, f] = analysis.aligned!.photoToCrop;
  const s = image.scale;
  return [a / s, b / s, c, d / s, e / s, f];
}

/** Bilinear value of a grid at crop point (x, y), edges clamped; NaN outside the crop. */
function sampleGrid(grid: CropGrid, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= grid.cropSize || y >= grid.cropSize) return NaN;
  const u = Math.min(grid.cols - 1, Math.max(0, (x / grid.cropSize) * grid.cols - 0.5));
  const v = Math.min(grid.rows - 1, Math.max(0, (y / grid.cropSize) * grid.rows - 0.5));
  const u0 = Math.floor(u),
    v0 = Math.floor(v);
  const u1 = Math.min(grid.cols - 1, u0 + 1),
    v1 = Math.min(grid.rows - 1, v0 + 1);
  const fu = u - u0,
    fv = v - v0;
  const g = (r: number, c: number): number => grid.values[r * grid.cols + c];
  const top = g(v0, u0) + (g(v0, u1) - g(v0, u0)) * fu;
  const bottom = g(v1, u0) + (g(v1, u1) - g(v1, u0)) * fu;
  return top + (bottom - top) * fv;
}

/** Blends one photo pixel towards the colour of a value. */
function blend(
  out: Uint8Array,
  o: number,
  value: number,
  vmax: number,
  signed: boolean,
  maxAlpha: number,
): void {
  if (!Number.isFinite(value)) return;
  const t = Math.max(-1, Math.min(1, value / vmax));
  const colour = coolWarm(signed ? t : Math.abs(t));
  const alpha = maxAlpha * Math.abs(t) ** 0.75;
  for (let ch = 0; ch < 3; ch++) out[o + ch] = Math.round(out[o + ch] * (1 - alpha) + colour[ch] * alpha);
}

const largest = (values: readonly number[]): number =>
  values.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0) || 1;

/**
 * A grid map over the crop (occlusion or saliency), interpolated bilinearly and drawn on the photo.
 *
 * @param photo the decoded photo (the pixels `photoToCrop` maps from)
 * @param photoToCrop photo pixels → crop pixels (see {@link photoToCropMatrix})
 * @returns the photo with the map, and the vmax used (for the colour bar)
 */
export function overlayGrid(
  photo: RgbImage,
  photoToCrop: AffineMatrix,
  grid: CropGrid,
  options: OverlayOptions = {},
): { image: RgbImage; vmax: number } {
  const vmax = options.vmax ?? largest(grid.values);
  const out = Uint8Array.from(photo.data);
  const [a, b, c, d, e, f] = photoToCrop;
  for (let y = 0; y < photo.height; y++) {
    for (let x = 0; x < photo.width; x++) {
      const px = x + 0.5,
        py = y + 0.5;
      const v = sampleGrid(grid, a * px + b * py + c, d * px + e * py + f);
      blend(out, 3 * (y * photo.width + x), v, vmax, options.signed ?? true, options.maxAlpha ?? 0.75);
    }
  }
  return { image: { data: out, width: photo.width, height: photo.height }, vmax };
}

/**
 * Paints each region of the photo with `paint(region index, out, offset)` and draws the region
 * borders (pixels whose neighbour lies in another region) in grey level `border`.
 *
 * @param labels the crop's region label map (regionLabelMap of the original mesh)
 */
export function paintRegions(
  photo: RgbImage,
  photoToCrop: AffineMatrix,
  labels: Int8Array,
  cropSize: number,
  paint: (region: number, out: Uint8Array, offset: number) => void,
  border = 60,
): RgbImage {
  const out = Uint8Array.from(photo.data);
  const [a, b, c, d, e, f] = photoToCrop;
  const labelAt = (x: number, y: number): number => {
    const cx = Math.floor(a * x + b * y + c);
    const cy = Math.floor(d * x + e * y + f);
    return cx < 0 || cy < 0 || cx >= cropSize || cy >= cropSize ? -1 : labels[cy * cropSize + cx];
  };
  for (let y = 0; y < photo.height; y++) {
    for (let x = 0; x < photo.width; x++) {
      const r = labelAt(x + 0.5, y + 0.5);
      if (r < 0) continue;
      const o = 3 * (y * photo.width + x);
      paint(r, out, o);
      const edge =
        labelAt(x + 1.5, y + 0.5) !== r ||
        labelAt(x - 0.5, y + 0.5) !== r ||
        labelAt(x + 0.5, y + 1.5) !== r ||
        labelAt(x + 0.5, y - 0.5) !== r;
      if (edge) out.fill(border, o, o + 3);
    }
  }
  return { data: out, width: photo.width, height: photo.height };
}

/** Region values (e.g. importances, REGION_NAMES order) painted over each region of the photo. */
export function overlayRegions(
  photo: RgbImage,
  photoToCrop: AffineMatrix,
  labels: Int8Array,
  cropSize: number,
  values: ArrayLike<number>,
  options: OverlayOptions = {},
): { image: RgbImage; vmax: number } {
  const vmax = options.vmax ?? largest(Array.from(values));
  const signed = options.signed ?? true;
  const maxAlpha = options.maxAlpha ?? 0.75;
  const image = paintRegions(photo, photoToCrop, labels, cropSize, (r, out, o) =>
    blend(out, o, values[r], vmax, signed, maxAlpha),
  );
  return { image, vmax };
}

/** Shortest readable form of a tick value. */
const tick = (v: number): string => (v === 0 ? '0' : Number(v.toPrecision(2)).toString());
const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The SVG of a vertical colour bar `height` pixels tall, with five ticks and a rotated title. */
export function colourBarSvg(height: number, vmax: number, signed: boolean, title: string): string {
  const font = Math.max(11, Math.round(height / 50));
  const width = Math.round(font * 7);
  const barW = Math.round(font * 1.4);
  const top = Math.round(height * 0.08);
  const barH = height - 2 * top;
  const x0 = Math.round(font * 0.8);
  const stops = Array.from({ length: 17 }, (_, i) => {
    const t = 1 - i / 16; // top of the bar = +vmax
    const colour = coolWarm(signed ? 2 * t - 1 : t);
    return `<stop offset="${(i / 16).toFixed(4)}" stop-color="${hex(colour)}"/>`;
  }).join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((q) => {
    const value = signed ? vmax * (1 - 2 * q) : vmax * (1 - q);
    const y = top + q * barH;
    return (
      `<line x1="${x0 + barW}" y1="${y}" x2="${x0 + barW + 5}" y2="${y}" stroke="#333"/>` +
      `<text x="${x0 + barW + 8}" y="${y + font * 0.35}" font-size="${font}">${escapeXml(tick(value))}</text>`
    );
  });
  const tx = width - font * 0.6;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif" fill="#222">` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient></defs>` +
    `<rect x="${x0}" y="${top}" width="${barW}" height="${barH}" fill="url(#g)" stroke="#333"/>` +
    ticks.join('') +
    `<text transform="translate(${tx},${height / 2}) rotate(-90)" text-anchor="middle" font-size="${font}">${escapeXml(title)}</text>` +
    `</svg>`
  );
}

/** Encodes an overlaid photo as PNG with its colour bar on the right (longest side ≤ `maxSide`). */
export async function overlayPng(
  overlay: { image: RgbImage; vmax: number },
  bar: { title: string; signed?: boolean },
  maxSide = 1024,
): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  const { image } = overlay;
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.round(image.width * scale);
  const height = Math.round(image.height * scale);
  const photo = await sharp(Buffer.from(image.data), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(width, height)
    .png()
    .toBuffer();
  const svg = colourBarSvg(height, overlay.vmax, bar.signed ?? true, bar.title);
  const barWidth = Number(/width="(\d+)"/.exec(svg)![1]);
  return sharp({ create: { width: width + barWidth, height, channels: 3, background: '#ffffff' } })
    .composite([
      { input: photo, left: 0, top: 0 },
      { input: Buffer.from(svg), left: width, top: 0 },
    ])
    .png()
    .toBuffer();
}
