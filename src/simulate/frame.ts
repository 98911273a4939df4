import { MESH_CONTOURS } from '../face/index.js';
import { applyAffine, invertAffine, type AffineMatrix, type Point2 } from '../util/index.js';
import { pixelBox, type PixelBox } from './grid.js';

/**
 * The face-aligned frame the simulator works in: the aligned crop's frame divided by the crop side
 * ("face units": eyes level, eye centres at (0.36, 0.40) and (0.64, 0.40)), so that a displacement
 * written once means the same on a small or large, tilted or upright face.
 */
export interface FaceFrame {
  /** Photo pixels (the working image the mesh refers to) → face units. */
  toFace: AffineMatrix;
  /** Face units → photo pixels. */
  toPhoto: AffineMatrix;
  /** The mesh (468 points, + 10 iris points when present) in face units. */
  mesh: Point2[];
  /** Photo pixels per face unit. */
  pxPerUnit: number;
  /** Axis-aligned ellipse around the face oval (face units): centre and semi-axes. */
  oval: Ellipse;
  /** Ellipses around the subject's right and left eye contours. */
  eyes: [Ellipse, Ellipse];
}

export interface Ellipse {
  cx: number;
  cy: number;
  ax: number;
  ay: number;
}

/** Elliptic radius: 1 on the ellipse, < 1 inside. */
export function ellipticRadius(e: Ellipse, x: number, y: number): number {
  return Math.hypot((x - e.cx) / e.ax, (y - e.cy) / e.ay);
}

/** Hermite smoothstep: 0 below e0, 1 above e1, C¹ in between. */
export function smoothstep(e0: number, e1: number, v: number): number {
  const t = Math.min(1, Math.max(0, (v - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/**
 * The fixed ring: control points on the face-oval ellipse grown by this factor keep zero
 * displacement, so the background and hair beyond it do not move.
 */
export const RING_RADIUS = 1.35;
/** Beyond the ring the (already near-zero) warp fades to exactly zero by this elliptic radius. */
export const TAPER_END = 1.7;
/** Inside this elliptic radius of an eye's ellipse nothing changes; full effect from EYE_GUARD_OUTER. */
const EYE_GUARD_INNER = 1.15;
const EYE_GUARD_OUTER = 1.7;

function boundingEllipse(points: readonly Point2[]): Ellipse {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, ax: (x1 - x0) / 2, ay: (y1 - y0) / 2 };
}

/**
 * Builds the frame from the mesh in photo pixels and the aligned crop's crop→photo map (both in the
 * same image's pixels).
 */
export function faceFrame(
  meshPx: readonly (readonly number[])[],
  cropToPhoto: AffineMatrix,
  cropSize: number,
): FaceFrame {
  const [a, b, c, d, e, f] = cropToPhoto;
  const toPhoto: AffineMatrix = [a * cropSize, b * cropSize, c, d * cropSize, e * cropSize, f];
  const toFace = invertAffine(toPhoto);
  const mesh = meshPx.map((p) => applyAffine(toFace, p));
  const pick = (idx: readonly number[]): Point2[] => idx.map((i) => mesh[i]);
  return {
    toFace,
    toPhoto,
    mesh,
    pxPerUnit: Math.sqrt(Math.abs(toPhoto[0] * toPhoto[4] - toPhoto[1] * toPhoto[3])),
    oval: boundingEllipse(pick(MESH_CONTOURS.faceOval)),
    eyes: [boundingEllipse(pick(MESH_CONTOURS.rightEye)), boundingEllipse(pick(MESH_CONTOURS.leftEye))],
  };
}

/** A displacement in face units as a displacement in photo pixels (the linear part of the map). */
export function toPhotoVector(frame: FaceFrame, d: readonly number[]): Point2 {
  const m = frame.toPhoto;
  return [m[0] * d[0] + m[1] * d[1], m[3] * d[0] + m[4] * d[1]];
}

/** 0 on and inside the eyes (contour grown 15 %), rising smoothly to 1 a little further out. */
export function eyeGuard(frame: FaceFrame, x: number, y: number): number {
  let g = 1;
  for (const eye of frame.eyes) g *= smoothstep(EYE_GUARD_INNER, EYE_GUARD_OUTER, ellipticRadius(eye, x, y));
  return g;
}

/** 1 inside the fixed ring, falling to 0 at TAPER_END: the warp's reach. */
export function faceTaper(frame: FaceFrame, x: number, y: number): number {
  return 1 - smoothstep(RING_RADIUS, TAPER_END, ellipticRadius(frame.oval, x, y));
}

/** `count` points on the fixed ring (face units). */
export function ringPoints(frame: FaceFrame, count = 28): Point2[] {
  const { cx, cy, ax, ay } = frame.oval;
  return Array.from({ length: count }, (_, k) => {
    const t = (2 * Math.PI * k) / count;
    return [cx + RING_RADIUS * ax * Math.cos(t), cy + RING_RADIUS * ay * Math.sin(t)] as Point2;
  });
}

/** Points along the photo's border (face units) that lie well outside the face, held fixed. */
export function borderPoints(frame: FaceFrame, width: number, height: number, perSide = 6): Point2[] {
  const out: Point2[] = [];
  for (let k = 0; k < perSide; k++) {
    const t = k / perSide;
    for (const p of [
      [t * width, 0],
      [width, t * height],
      [(1 - t) * width, height],
      [0, (1 - t) * height],
    ]) {
      const q = applyAffine(frame.toFace, p);
      if (ellipticRadius(frame.oval, q[0], q[1]) >= RING_RADIUS) out.push(q);
    }
  }
  return out;
}

/** The photo-pixel box (clipped to the image) of everything the warp can touch. */
export function warpReach(frame: FaceFrame, width: number, height: number): PixelBox {
  const { cx, cy, ax, ay } = frame.oval;
  const [rx, ry] = [TAPER_END * ax, TAPER_END * ay];
  return pixelBox(frame.toPhoto, { x0: cx - rx, y0: cy - ry, x1: cx + rx, y1: cy + ry }, width, height);
}

/** A per-pixel mask (1 = keep unchanged) of the eyes: inside each eye's guard ellipse. */
export function eyeKeepMask(frame: FaceFrame, width: number, height: number): Uint8Array {
  const keep = new Uint8Array(width * height);
  for (const e of frame.eyes) {
    const [rx, ry] = [EYE_GUARD_INNER * e.ax, EYE_GUARD_INNER * e.ay];
    const box = pixelBox(
      frame.toPhoto,
      { x0: e.cx - rx, y0: e.cy - ry, x1: e.cx + rx, y1: e.cy + ry },
      width,
      height,
    );
    for (let y = box.y0; y < box.y1; y++) {
      for (let x = box.x0; x < box.x1; x++) {
        const q = applyAffine(frame.toFace, [x + 0.5, y + 0.5]);
        if (ellipticRadius(e, q[0], q[1]) <= EYE_GUARD_INNER) keep[y * width + x] = 1;
      }
    }
  }
  return keep;
}
