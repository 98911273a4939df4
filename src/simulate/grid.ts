import { applyAffine, type AffineMatrix } from '../util/index.js';

/**
 * A smooth quantity (a displacement, a colour shift) sampled on a coarse grid of photo pixels and
 * read back anywhere by bilinear interpolation: evaluating a thin-plate spline or a mask per pixel
 * would cost ~50× more, and both vary slowly over a few pixels.
 */
export interface NodeGrid {
  /** Photo pixel of node (0, 0) and node spacing, in pixels. */
  x0: number;
  y0: number;
  step: number;
  nx: number;
  ny: number;
  /** One array per channel, row-major over the nodes. */
  channels: Float32Array[];
}

export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Samples `fn` at the nodes of a grid covering `box` (pixel centres at +0.5, as mesh coordinates
 * have them). `fn` writes `channels` values into `out`, or returns false for all zeros.
 */
export function sampleGrid(
  box: PixelBox,
  step: number,
  channels: number,
  fn: (x: number, y: number, out: Float64Array) => boolean,
): NodeGrid {
  const nx = Math.max(2, Math.ceil((box.x1 - box.x0) / step) + 1);
  const ny = Math.max(2, Math.ceil((box.y1 - box.y0) / step) + 1);
  const out = Array.from({ length: channels }, () => new Float32Array(nx * ny));
  const v = new Float64Array(channels);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      v.fill(0);
      if (!fn(box.x0 + i * step + 0.5, box.y0 + j * step + 0.5, v)) continue;
      for (let c = 0; c < channels; c++) out[c][j * nx + i] = v[c];
    }
  }
  return { x0: box.x0, y0: box.y0, step, nx, ny, channels: out };
}

/**
 * Visits every pixel the grid covers (clipped to width × height) with its interpolated channel
 * values; `visit` receives the pixel and a reused array of values.
 */
export function forEachPixel(
  grid: NodeGrid,
  width: number,
  height: number,
  visit: (x: number, y: number, values: Float64Array) => void,
): void {
  const { x0, y0, step, nx, ny, channels } = grid;
  const values = new Float64Array(channels.length);
  const xEnd = Math.min(width, x0 + (nx - 1) * step);
  const yEnd = Math.min(height, y0 + (ny - 1) * step);
  for (let y = y0; y < yEnd; y++) {
    const gy = (y - y0) / step;
    const j = Math.min(ny - 2, Math.floor(gy));
    const ty = gy - j;
    for (let x = x0; x < xEnd; x++) {
      const gx = (x - x0) / step;
      const i = Math.min(nx - 2, Math.floor(gx));
      const tx = gx - i;
      const k = j * nx + i;
      let any = false;
      for (let c = 0; c < channels.length; c++) {
        const a = channels[c];
        const top = a[k] + (a[k + 1] - a[k]) * tx;
        const bottom = a[k + nx] + (a[k + nx + 1] - a[k + nx]) * tx;
        values[c] = top + (bottom - top) * ty;
        if (values[c] !== 0) any = true;
      }
      if (any) visit(x, y, values);
    }
  }
}

/** The pixel box (clipped to the image) holding a rectangle given in another frame, mapped by `toPhoto`. */
export function pixelBox(
  toPhoto: AffineMatrix,
  rect: { x0: number; y0: number; x1: number; y1: number },
  width: number,
  height: number,
): PixelBox {
  const corners = [
    [rect.x0, rect.y0],
    [rect.x1, rect.y0],
    [rect.x0, rect.y1],
    [rect.x1, rect.y1],
  ].map((p) => applyAffine(toPhoto, p));
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  return {
    x0: Math.max(0, Math.floor(Math.min(...xs))),
    y0: Math.max(0, Math.floor(Math.min(...ys))),
    x1: Math.min(width, Math.ceil(Math.max(...xs)) + 1),
    y1: Math.min(height, Math.ceil(Math.max(...ys)) + 1),
  };
}
