import { CANONICAL_MESH } from '../face/index.js';
import { MESH_CONTOURS, MESH_POINTS as P } from '../face/index.js';
import type { Point2 } from '../util/index.js';
import { eyeGuard, smoothstep, type FaceFrame } from './frame.js';
import { SIGN_NAMES, SIGNS, type SignName } from './signs.js';

/**
 * Per-sign displacement fields. Each sign is a smooth function of position in face units (see
 * frame.ts), anchored on this face's own landmarks; its value at the mesh vertices drives the
 * thin-plate-spline warp. Because each field is a function of position only, vertices that nearly
 * coincide (the inner lips of a closed mouth) always move together, and the warp cannot tear.
 *
 * Each field is a local stretch: a scaling about a landmark (alae midpoint, mouth line, brow line,
 * facial midline) multiplied by a bump that is flat over the target and falls to zero smoothly, over
 * a distance chosen so that the stretch stays well short of folding (the warp's Jacobian is checked
 * anyway, see warp.ts).
 */

/** Landmark-derived anchors of one face, in face units. */
export interface Anchors {
  nasionY: number;
  tipY: number;
  subnasaleY: number;
  chinY: number;
  faceHeight: number;
  faceWidth: number;
  /** Alae midpoint and half alar width. */
  alae: { cx: number; cy: number; half: number };
  /** Contact point of the lips, half mouth width, mean y of the mouth corners, upper-lip top, lower-lip bottom. */
  mouth: { cx: number; cy: number; half: number; cornerY: number; topY: number; bottomY: number };
  jawAngleY: number;
  eyeY: number;
  /** Facial midline x at height y (line through nasion and chin). */
  midlineX: (y: number) => number;
  /** The mouth line (parabola through the corners and the lip contact point). */
  mouthLineY: (x: number) => number;
  /** Mid-brow line (midway between the upper and lower brow edges, through the glabella). */
  browLineY: (x: number) => number;
  /** Glabella x, half the span of the brows, half the brows' mean thickness. */
  brow: { cx: number; halfSpan: number; halfThickness: number };
}

export const BROW_UPPER = {
  right: [70, 63, 105, 66, 107],
  left: [300, 293, 334, 296, 336],
} as const;
export const BROW_LOWER = {
  right: [46, 53, 52, 65, 55],
  left: [276, 283, 282, 295, 285],
} as const;

/** Piecewise-linear y(x) through points (sorted here), flat beyond the ends. */
export function polyline(points: readonly Point2[]): (x: number) => number {
  const pts = [...points].sort((a, b) => a[0] - b[0]);
  return (x) => {
    if (x <= pts[0][0]) return pts[0][1];
    for (let i = 1; i < pts.length; i++) {
      if (x <= pts[i][0]) {
        const t = (x - pts[i - 1][0]) / (pts[i][0] - pts[i - 1][0] || 1);
        return pts[i - 1][1] + t * (pts[i][1] - pts[i - 1][1]);
      }
    }
    return pts[pts.length - 1][1];
  };
}

/** Reads the anchors off a mesh in face units. */
export function faceAnchors(mesh: readonly Point2[]): Anchors {
  const m = (i: number): Point2 => mesh[i];
  const mid = (i: number, j: number): Point2 => [
    (mesh[i][0] + mesh[j][0]) / 2,
    (mesh[i][1] + mesh[j][1]) / 2,
  ];
  const [nas, chin] = [m(168), m(P.chin)];
  const alae = mid(98, 327);
  const contact = mid(13, 14);
  const [mr, ml] = [m(P.mouthRight), m(P.mouthLeft)];
  // Parabola y = c0 + c1·(x − cx) + c2·(x − cx)² through both corners and the contact point.
  const dr = mr[0] - contact[0];
  const dl = ml[0] - contact[0];
  const c2 = ((mr[1] - contact[1]) / dr - (ml[1] - contact[1]) / dl) / (dr - dl);
  const c1 = (mr[1] - contact[1]) / dr - c2 * dr;
  const [xMin, xMax] = [Math.min(mr[0], ml[0]), Math.max(mr[0], ml[0])];
  const browMids = (['right', 'left'] as const).flatMap((side) =>
    BROW_UPPER[side].map((u, k) => mid(u, BROW_LOWER[side][k])),
  );
  const browXs = browMids.map((p) => p[0]);
  return {
    nasionY: nas[1],
    tipY: m(P.noseTip)[1],
    subnasaleY: m(P.subnasale)[1],
    chinY: chin[1],
    faceHeight: Math.hypot(chin[0] - m(P.foreheadTop)[0], chin[1] - m(P.foreheadTop)[1]),
    faceWidth: Math.hypot(m(454)[0] - m(234)[0], m(454)[1] - m(234)[1]),
    alae: { cx: alae[0], cy: alae[1], half: Math.hypot(m(327)[0] - m(98)[0], m(327)[1] - m(98)[1]) / 2 },
    mouth: {
      cx: contact[0],
      cy: contact[1],
      half: Math.hypot(ml[0] - mr[0], ml[1] - mr[1]) / 2,
      cornerY: (mr[1] + ml[1]) / 2,
      topY: m(P.upperLipTop)[1],
      bottomY: m(P.lowerLipBottom)[1],
    },
    jawAngleY: (m(172)[1] + m(397)[1]) / 2,
    eyeY: (mid(33, 133)[1] + mid(362, 263)[1]) / 2,
    midlineX: (y) => nas[0] + ((y - nas[1]) * (chin[0] - nas[0])) / (chin[1] - nas[1]),
    mouthLineY: (x) => {
      const d = Math.min(xMax, Math.max(xMin, x)) - contact[0];
      return contact[1] + c1 * d + c2 * d * d;
    },
    browLineY: polyline([...browMids, m(P.glabella)]),
    brow: {
      cx: m(P.glabella)[0],
      halfSpan: (Math.max(...browXs) - Math.min(...browXs)) / 2,
      halfThickness:
        (['right', 'left'] as const)
          .flatMap((side) => BROW_UPPER[side].map((u, k) => Math.abs(m(u)[1] - m(BROW_LOWER[side][k])[1])))
          .reduce((s, d) => s + d, 0) / 20,
    },
  };
}

/** 1 for |v| ≤ inner, falling smoothly to 0 at |v| = outer. */
const falloff = (v: number, inner: number, outer: number): number =>
  1 - smoothstep(inner, outer, Math.abs(v));

/** `falloff` with a different reach on each side of 0 (v < 0: `before`, v ≥ 0: `after`), flat over `flat` of it. */
const sided = (v: number, before: number, after: number, flat: number): number => {
  const reach = v < 0 ? before : after;
  return falloff(v, flat * reach, reach);
};

/**
 * A local stretch along one axis: about v · 1.31 near 0, exactly ±extent at |v| = extent (tanh
 * saturates it smoothly), then fading to 0 at |v| = reach. Times a gain g it moves a feature's edge
 * at distance `extent` by g · extent, and the skin beyond absorbs that over reach − extent, so the
 * compression there stays near 1.5 · g · extent / (reach − extent).
 */
function bulge(v: number, extent: number, reach: number): number {
  if (Math.abs(v) >= reach) return 0;
  return ((extent * Math.tanh(v / extent)) / Math.tanh(1)) * falloff(v, extent, reach);
}

type Field = (a: Anchors, x: number, y: number) => Point2;

/** Each sign's displacement at magnitude 1, in face units. */
const FIELDS: Record<SignName, Field> = {
  nose_widening: (a, x, y) => {
    const { alarWidthGain } = SIGNS.nose_widening.params;
    const { cx, cy, half } = a.alae;
    const along = sided(y - cy, 0.5 * (cy - a.nasionY), 0.75 * (a.mouth.cy - cy), 0.35);
    // The alae and the skin beside them move out together (up to 2 half alar widths out), the
    // cheek beyond absorbs it; scaled so that the alae themselves move by alarWidthGain × half.
    const gain = (alarWidthGain * half) / bulge(half, 2 * half, 3.5 * half);
    return [gain * bulge(x - cx, 2 * half, 3.5 * half) * along, 0];
  },
  nose_enlargement: (a, x, y) => {
    const { lengthGain, widthGain } = SIGNS.nose_enlargement.params;
    const { cx, cy, half } = a.alae;
    const around = sided(y - a.tipY, 1.05 * (a.tipY - a.nasionY), 0.9 * (a.mouth.cy - a.tipY), 0.35);
    const lower = smoothstep(a.nasionY, cy, y); // the bridge keeps its width, the tip and alae grow
    return [
      ((widthGain * half) / bulge(half, 2 * half, 3.5 * half)) *
        bulge(x - cx, 2 * half, 3.5 * half) *
        lower *
        around,
      lengthGain * (y - a.nasionY) * around * falloff(x - cx, 1.5 * half, 3 * half),
    ];
  },
  lip_thickening: (a, x, y) => {
    const { thicknessGain: g, widthGain } = SIGNS.lip_thickening.params;
    const { cx, cy, half, topY, bottomY } = a.mouth;
    const [up, down] = [cy - a.subnasaleY, a.chinY - cy];
    const v = y - a.mouthLineY(x);
    const [upper, lower] = [a.mouthLineY(cx) - topY, bottomY - a.mouthLineY(cx)];
    // The upper lip grows downwards (the mouth is lowered by its growth), so the philtrum is not squeezed.
    const shift = g * upper * (v < 0 ? 1 - smoothstep(0, up, -v) : falloff(v, lower, down));
    const across = falloff(x - cx, half, 1.8 * half);
    return [
      widthGain * bulge(x - cx, half, 1.8 * half) * sided(v, up, down, 0.4),
      (g * bulge(v, v < 0 ? upper : lower, v < 0 ? up : down) + shift) * across,
    ];
  },
  mandible_enlargement: (a, x, y) => {
    const { chinDropOfFaceHeight, jawWidthGain } = SIGNS.mandible_enlargement.params;
    // The stretch is centred on the chin, below the lower lip, and brings the menton down by the full drop.
    const chinHeight = a.chinY - a.mouth.bottomY;
    const [e0, e1] = [a.mouth.bottomY - 0.15 * chinHeight, a.chinY + 0.25 * chinHeight];
    const dy = (chinDropOfFaceHeight * a.faceHeight * smoothstep(e0, e1, y)) / smoothstep(e0, e1, a.chinY);
    // The jaw widens from the jaw angles down; the mouth keeps its width (lip_thickening owns it).
    const { cx, cy, half, bottomY } = a.mouth;
    const mouth = falloff(x - cx, half, 1.6 * half) * falloff(y - cy, bottomY - cy, bottomY - cy + 0.04);
    const k = smoothstep(a.jawAngleY - 0.06, a.jawAngleY, y) * (1 - mouth);
    return [jawWidthGain * (x - a.midlineX(y)) * k, dy];
  },
  brow_prominence: (a, x, y) => {
    const { thicknessGain, widthGain } = SIGNS.brow_prominence.params;
    const { cx, halfSpan, halfThickness } = a.brow;
    const v = y - a.browLineY(x);
    // Above, the forehead absorbs the growth; below, the lid space down to the eye guard.
    const reach = v < 0 ? 0.08 : 0.45 * (a.eyeY - a.browLineY(x));
    const across = falloff(x - cx, 0.9 * halfSpan, 1.3 * halfSpan);
    return [
      widthGain * bulge(x - cx, halfSpan, 1.4 * halfSpan) * falloff(v, halfThickness, reach),
      thicknessGain * bulge(v, halfThickness, reach) * across,
    ];
  },
  moon_face: (a, x, y) => {
    const { lowerFaceWidthGain } = SIGNS.moon_face.params;
    const amplitude = (lowerFaceWidthGain * a.faceWidth) / 2;
    const r = x - a.midlineX(y);
    // Nose and mouth keep their width; towards the chin the widening reaches closer to the midline.
    const inner = 1.05 * a.mouth.half * (1 - 0.8 * smoothstep(a.mouth.bottomY, a.chinY, y));
    const across = smoothstep(inner, inner + 0.25 * a.faceWidth, Math.abs(r));
    const down =
      smoothstep(a.eyeY + 0.01, a.eyeY + 0.18, y) * (1 - 0.4 * smoothstep(a.jawAngleY, a.chinY, y));
    return [Math.sign(r) * amplitude * across * down, 0];
  },
  plethora: () => [0, 0],
};

/** One sign's displacement at magnitude 1 (face units), with the eyes held still. */
export function signDisplacement(frame: FaceFrame, anchors: Anchors, sign: SignName, p: Point2): Point2 {
  const g = eyeGuard(frame, p[0], p[1]);
  if (g === 0) return [0, 0];
  const d = FIELDS[sign](anchors, p[0], p[1]);
  return [d[0] * g, d[1] * g];
}

/** The sum of the signs' displacements at their magnitudes (face units). */
export function totalDisplacement(
  frame: FaceFrame,
  anchors: Anchors,
  magnitudes: Readonly<Record<SignName, number>>,
  p: Point2,
): Point2 {
  let dx = 0;
  let dy = 0;
  for (const s of SIGN_NAMES) {
    if (magnitudes[s] === 0 || SIGNS[s].kind === 'colour') continue;
    const d = signDisplacement(frame, anchors, s, p);
    dx += magnitudes[s] * d[0];
    dy += magnitudes[s] * d[1];
  }
  return [dx, dy];
}

const LIPS_INNER = [
  78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95,
];
const NOSE = [168, 6, 197, 195, 5, 4, 1, 2, 98, 327, 129, 358, 64, 294, 48, 278, 219, 439, 94, 19];
const JAW = [172, 397, 58, 288, 176, 400, 148, 377];
/** Farthest-point sampling stops when every mesh vertex has a control point this close (face units). */
const CONTROL_SPACING = 0.035;

/**
 * The mesh vertices that act as thin-plate-spline control points: every contour that a sign moves or
 * that must stay (face oval, eyes, lips, nose, brows, jaw), then vertices added by farthest-point
 * sampling of the canonical mesh until no vertex is more than CONTROL_SPACING from one. Fixed once.
 */
export const CONTROL_VERTICES: readonly number[] = (() => {
  const chosen = new Set<number>([
    ...MESH_CONTOURS.faceOval,
    ...MESH_CONTOURS.rightEye,
    ...MESH_CONTOURS.leftEye,
    ...MESH_CONTOURS.lipsOuter,
    ...LIPS_INNER,
    ...NOSE,
    ...BROW_UPPER.right,
    ...BROW_UPPER.left,
    ...BROW_LOWER.right,
    ...BROW_LOWER.left,
    ...JAW,
    P.glabella,
  ]);
  const pts = CANONICAL_MESH.points;
  const nearest = pts.map((p) =>
    Math.min(...[...chosen].map((c) => Math.hypot(p[0] - pts[c][0], p[1] - pts[c][1]))),
  );
  for (;;) {
    let far = -1;
    for (let v = 0; v < pts.length; v++) if (far < 0 || nearest[v] > nearest[far]) far = v;
    if (nearest[far] < CONTROL_SPACING) break;
    chosen.add(far);
    pts.forEach((p, v) => {
      nearest[v] = Math.min(nearest[v], Math.hypot(p[0] - pts[far][0], p[1] - pts[far][1]));
    });
  }
  return [...chosen].sort((a, b) => a - b);
})();
