import type { RgbImage } from '../image/index.js';
import { applyAffine } from '../util/index.js';
import { eyeGuard, faceTaper, toPhotoVector, type FaceFrame } from './frame.js';
import { forEachPixel, sampleGrid, type NodeGrid, type PixelBox } from './grid.js';
import { evalThinPlateSpline, type ThinPlateSpline } from './tps.js';

/**
 * The backward map of a warp: for an output pixel q the phantom takes the source colour at q + D(q).
 * D comes from a thin-plate spline fitted from the displaced control points back to the original
 * ones, so it is exact at the landmarks. It is sampled on a coarse grid (channels: D in x and y,
 * photo pixels) and faded to zero beyond the fixed ring and around the eyes; outside the grid it is 0.
 */
export function backwardField(
  tps: ThinPlateSpline,
  frame: FaceFrame,
  reach: PixelBox,
  step: number,
): NodeGrid {
  return sampleGrid(reach, step, 2, (x, y, out) => {
    const q = applyAffine(frame.toFace, [x, y]);
    const w = faceTaper(frame, q[0], q[1]) * eyeGuard(frame, q[0], q[1]);
    if (w === 0) return false;
    const f = evalThinPlateSpline(tps, q[0], q[1]);
    const d = toPhotoVector(frame, [f[0] * w, f[1] * w]);
    out[0] = d[0];
    out[1] = d[1];
    return true;
  });
}

/**
 * The range of the warp's local area ratio (phantom area / source area) over the grid: the inverse
 * of the Jacobian determinant of the backward map q ↦ q + D(q), by central differences. 1 is no
 * change; below 1 the phantom squeezes the skin, above 1 it stretches it. A determinant ≤ 0 would
 * be a fold-over (the map is no longer one-to-one), reported as a ratio of 0.
 */
export function areaRatioRange(field: NodeGrid): { min: number; max: number } {
  const { nx, ny, step } = field;
  const [dx, dy] = field.channels;
  let minDet = Infinity;
  let maxDet = -Infinity;
  for (let j = 1; j < ny - 1; j++) {
    for (let i = 1; i < nx - 1; i++) {
      const k = j * nx + i;
      const dxdx = (dx[k + 1] - dx[k - 1]) / (2 * step);
      const dxdy = (dx[k + nx] - dx[k - nx]) / (2 * step);
      const dydx = (dy[k + 1] - dy[k - 1]) / (2 * step);
      const dydy = (dy[k + nx] - dy[k - nx]) / (2 * step);
      const det = (1 + dxdx) * (1 + dydy) - dxdy * dydx;
      minDet = Math.min(minDet, det);
      maxDet = Math.max(maxDet, det);
    }
  }
  if (minDet === Infinity) return { min: 1, max: 1 };
  return { min: maxDet > 0 ? 1 / maxDet : 0, max: minDet > 0 ? 1 / minDet : Infinity };
}

/**
 * Applies a backward field to a photo with bilinear sampling (edge pixels repeated). Pixels with
 * zero displacement and pixels marked in `keep` (the eyes) are copied unchanged, so a zero field
 * returns the photo exactly.
 */
export function warpRgb(image: RgbImage, field: NodeGrid, keep: Uint8Array): RgbImage {
  const { width, height, data } = image;
  const out = new Uint8Array(data);
  forEachPixel(field, width, height, (x, y, d) => {
    if (!keep[y * width + x]) sampleBilinear(image, x + d[0], y + d[1], out, (y * width + x) * 3);
  });
  return { data: out, width, height };
}

/** Writes the bilinear sample of an RGB image at (sx, sy) (pixel-index coordinates) into out[o..o+2]. */
function sampleBilinear(image: RgbImage, sx: number, sy: number, out: Uint8Array, o: number): void {
  const { data, width, height } = image;
  const cx = Math.min(width - 1, Math.max(0, sx));
  const cy = Math.min(height - 1, Math.max(0, sy));
  const xa = Math.floor(cx);
  const ya = Math.floor(cy);
  const xb = Math.min(width - 1, xa + 1);
  const yb = Math.min(height - 1, ya + 1);
  const fx = cx - xa;
  const fy = cy - ya;
  const i00 = (ya * width + xa) * 3;
  const i01 = (ya * width + xb) * 3;
  const i10 = (yb * width + xa) * 3;
  const i11 = (yb * width + xb) * 3;
  for (let c = 0; c < 3; c++) {
    const top = data[i00 + c] + (data[i01 + c] - data[i00 + c]) * fx;
    const bottom = data[i10 + c] + (data[i11 + c] - data[i10 + c]) * fx;
    out[o + c] = Math.round(top + (bottom - top) * fy);
  }
}
