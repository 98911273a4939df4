import { regionIndices } from '../face/index.js';
import type { RgbImage } from '../image/index.js';
import { labToSrgb, srgbToLab } from '../util/index.js';
import { applyAffine, type Point2 } from '../util/index.js';
import { forEachPixel, pixelBox, sampleGrid } from './grid.js';
import { BROW_LOWER, BROW_UPPER, polyline } from './displacements.js';
import { eyeGuard, smoothstep, type FaceFrame } from './frame.js';
import { MESH_CONTOURS } from '../face/index.js';
import { SIGNS } from './signs.js';

/**
 * Colour signs, as CIELAB edits under smooth masks defined in face units on the phantom's (already
 * warped) mesh: plethora raises a* on the cheeks; brow prominence lights the ridge and shadows the
 * band beneath it. Every mask is multiplied by the eye guard, so the eyes keep their pixels.
 */

/** Colour fades out over this distance (face units) inside the face outline. */
const FACE_FEATHER = 0.03;

/** A mask over the face: weight in [0, 1] at a point in face units, and the face-unit box outside which it is 0. */
interface Mask {
  weight: (x: number, y: number) => number;
  box: { x0: number; y0: number; x1: number; y1: number };
}

/** What a colour edit works on: the (warped) phantom, in place; its frame; the moved mesh (face units); the eye pixels to keep; the grid step (pixels). */
export interface ColourTarget {
  image: RgbImage;
  frame: FaceFrame;
  mesh: readonly Point2[];
  keep: Uint8Array;
  step: number;
}

/** The result of one colour sign: each Lab shift (at full mask weight) and the area edited. */
export interface ColourEdit {
  shifts: { where: string; deltaLab: [number, number, number] }[];
  /** Σ mask weight over the photo's pixels: the area edited, in pixels. */
  maskAreaPx: number;
}

/**
 * A flat-topped mask around a region's mesh vertices: Mahalanobis distance to their mean under
 * their covariance (a uniform ellipse has its edge at 2), 1 inside 0.8, 0 beyond 2.6.
 */
function regionMask(mesh: readonly Point2[], indices: readonly number[]): Mask {
  const pts = indices.map((i) => mesh[i]);
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p[0], 0) / n;
  const my = pts.reduce((s, p) => s + p[1], 0) / n;
  let sxx = 0,
    sxy = 0,
    syy = 0;
  for (const [x, y] of pts) {
    sxx += (x - mx) ** 2 / n;
    sxy += ((x - mx) * (y - my)) / n;
    syy += (y - my) ** 2 / n;
  }
  const det = sxx * syy - sxy * sxy;
  const reach = 2.6 * Math.sqrt(Math.max(sxx, syy));
  return {
    weight: (x, y) => {
      const u = x - mx;
      const v = y - my;
      const d = Math.sqrt((syy * u * u - 2 * sxy * u * v + sxx * v * v) / det);
      return 1 - smoothstep(0.8, 2.6, d);
    },
    box: { x0: mx - reach, y0: my - reach, x1: mx + reach, y1: my + reach },
  };
}

/**
 * A band along a curve y = c(x) (piecewise linear through `points`): Gaussian across (σ), fading out
 * within `fade` beyond the curve's ends.
 */
function bandMask(points: readonly Point2[], sigma: number, fade: number): Mask {
  const curve = polyline(points);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [xa, xb] = [Math.min(...xs), Math.max(...xs)];
  return {
    weight: (x, y) => {
      const out = Math.max(xa - x, x - xb, 0);
      const along = 1 - smoothstep(0, fade, out);
      return along * Math.exp(-0.5 * ((y - curve(x)) / sigma) ** 2);
    },
    box: {
      x0: xa - fade,
      x1: xb + fade,
      y0: Math.min(...ys) - 3 * sigma,
      y1: Math.max(...ys) + 3 * sigma,
    },
  };
}

/**
 * 1 deeper than `feather` inside the face-oval polygon, 0 outside it, smooth in between: colour
 * stays on the skin and never tints the background.
 */
function insideFace(mesh: readonly Point2[], feather: number): (x: number, y: number) => number {
  const poly = MESH_CONTOURS.faceOval.map((i) => mesh[i]);
  return (x, y) => {
    let inside = false;
    let best = Infinity;
    for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      const [xi, yi] = poly[i];
      const [xj, yj] = poly[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      const len2 = (xi - xj) ** 2 + (yi - yj) ** 2;
      const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - xj) * (xi - xj) + (y - yj) * (yi - yj)) / len2)) : 0;
      best = Math.min(best, Math.hypot(x - xj - t * (xi - xj), y - yj - t * (yi - yj)));
    }
    return inside ? smoothstep(0.15 * feather, feather, best) : 0;
  };
}

const UPPER_LID = {
  right: [246, 161, 160, 159, 158, 157, 173],
  left: [466, 388, 387, 386, 385, 384, 398],
} as const;

/**
 * Adds `weight · delta` to L*, a*, b* of every pixel under the masks (weights summed and capped at
 * 1, times the eye guard and the inside-face feather), in place; pixels marked in `keep` are left
 * alone. The shift is sampled on a grid of `step` pixels and interpolated. Returns Σ weight (pixels).
 */
function shiftLab(
  target: ColourTarget,
  masks: readonly { mask: Mask; delta: readonly [number, number, number] }[],
): number {
  const { image, frame, mesh, keep, step } = target;
  const { width, height, data } = image;
  const rect = {
    x0: Math.min(...masks.map((m) => m.mask.box.x0)),
    y0: Math.min(...masks.map((m) => m.mask.box.y0)),
    x1: Math.max(...masks.map((m) => m.mask.box.x1)),
    y1: Math.max(...masks.map((m) => m.mask.box.y1)),
  };
  const skin = insideFace(mesh, FACE_FEATHER);
  const grid = sampleGrid(pixelBox(frame.toPhoto, rect, width, height), step, 4, (px, py, out) => {
    const [u, v] = applyAffine(frame.toFace, [px, py]);
    let total = 0;
    for (const { mask, delta } of masks) {
      const { box } = mask;
      if (u < box.x0 || u > box.x1 || v < box.y0 || v > box.y1) continue;
      const w = mask.weight(u, v);
      for (let c = 0; c < 3; c++) out[c] += w * delta[c];
      total += w;
    }
    if (total < 1e-3) return false;
    const g = eyeGuard(frame, u, v) * skin(u, v);
    const cap = Math.min(1, 1 / total) * g;
    for (let c = 0; c < 3; c++) out[c] *= cap;
    out[3] = Math.min(1, total) * g;
    return g > 0;
  });
  let area = 0;
  forEachPixel(grid, width, height, (x, y, d) => {
    const i = y * width + x;
    if (keep[i] || Math.abs(d[0]) + Math.abs(d[1]) + Math.abs(d[2]) < 0.02) return;
    const o = i * 3;
    const [L, a, b] = srgbToLab(data[o], data[o + 1], data[o + 2]);
    const rgb = labToSrgb(L + d[0], a + d[1], b + d[2]);
    data[o] = rgb[0];
    data[o + 1] = rgb[1];
    data[o + 2] = rgb[2];
    area += d[3];
  });
  return area;
}

/** Plethora at `magnitude`: cheek redness, in place on the phantom. */
export function applyPlethora(target: ColourTarget, magnitude: number): ColourEdit {
  const { deltaL, deltaA, deltaB } = SIGNS.plethora.params;
  const delta: [number, number, number] = [deltaL * magnitude, deltaA * magnitude, deltaB * magnitude];
  const masks = (['cheekRight', 'cheekLeft'] as const).map((r) => ({
    mask: regionMask(target.mesh, regionIndices(r)),
    delta,
  }));
  return {
    shifts: [{ where: 'cheeks', deltaLab: delta }],
    maskAreaPx: shiftLab(target, masks),
  };
}

/**
 * Brow-ridge shading at `magnitude`, in place: a highlight along the upper brow edge and the glabella,
 * a shadow in the band between the lower brow edge and the upper lid.
 */
export function applyBrowShading(target: ColourTarget, magnitude: number): ColourEdit {
  const { highlightL, shadowL } = SIGNS.brow_prominence.params;
  const at = (i: number): Point2 => target.mesh[i];
  const ridge = [...BROW_UPPER.right, 9, ...BROW_UPPER.left].map((i) => {
    const p = at(i);
    return [p[0], p[1] - 0.012] as Point2;
  });
  const highlight: [number, number, number] = [highlightL * magnitude, 0, 0];
  const shadow: [number, number, number] = [shadowL * magnitude, 0, 0];
  const masks: { mask: Mask; delta: readonly [number, number, number] }[] = [
    { mask: bandMask(ridge, 0.02, 0.03), delta: highlight },
  ];
  for (const side of ['right', 'left'] as const) {
    // The shadow runs 40 % of the way from the lower brow edge down to the upper lid.
    const lower = polyline(BROW_LOWER[side].map(at));
    const lid = UPPER_LID[side].map(at);
    const gap = lid.map(([x, y]) => [x, lower(x) + 0.4 * (y - lower(x))] as Point2);
    const meanGap = lid.reduce((s, [x, y]) => s + Math.abs(y - lower(x)), 0) / lid.length;
    masks.push({ mask: bandMask(gap, Math.max(0.006, 0.3 * meanGap), 0.025), delta: shadow });
  }
  return {
    shifts: [
      { where: 'brow ridge', deltaLab: highlight },
      { where: 'under the brow ridge', deltaLab: shadow },
    ],
    maskAreaPx: shiftLab(target, masks),
  };
}
