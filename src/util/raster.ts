import type { Point2 } from './geometry.js';

/**
 * Rasterises a polygon into a mask (1 inside, 0 outside) by even-odd scanlines at pixel centres.
 * Used for face, eye and region masks on the aligned crop.
 */
export function polygonMask(width: number, height: number, polygon: readonly Point2[]): Uint8Array {
  const mask = new Uint8Array(width * height);
  const n = polygon.length;
  const xs: number[] = [];
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const [xi, yi] = polygon[i];
      const [xj, yj] = polygon[j];
      if (yi > cy !== yj > cy) xs.push(xi + ((cy - yi) / (yj - yi)) * (xj - xi));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k] - 0.5));
      const to = Math.min(width - 1, Math.floor(xs[k + 1] - 0.5));
      for (let x = from; x <= to; x++) mask[y * width + x] = 1;
    }
  }
  return mask;
}

/** ITU-R BT.601 luma of an RGB image, as floats 0–255. */
export function lumaOf(image: { data: Uint8Array; width: number; height: number }): Float32Array {
  const out = new Float32Array(image.width * image.height);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) {
    out[i] = 0.299 * image.data[j] + 0.587 * image.data[j + 1] + 0.114 * image.data[j + 2];
  }
  return out;
}
