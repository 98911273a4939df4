import { CANONICAL_MESH, type RegionName } from '../face/index.js';
import { fitRotation3, rotate3, type Point3 } from '../util/index.js';

/**
 * Morphometrics: named, scale-invariant measurements of the face mesh, each tied to a clinical
 * sign (DESIGN.md §3). The mesh is first frontalised — rotated in 3-D onto the canonical mesh
 * (Horn's method) — so that widths are not foreshortened by a turned head; measures that stay
 * pose-sensitive after that (they depend on depth, or on points that a turned head hides) are
 * flagged `poseSensitive`, and are reported as missing when |yaw| or |pitch| exceeds `maxPoseDeg`.
 *
 * Expected direction under each condition: +1 the measure rises, −1 it falls, 0 no change expected.
 * Mesh indices follow MediaPipe's 468-point topology.
 */
export interface MorphometricDefinition {
  name: string;
  description: string;
  /** The regions whose shape the measure reflects (for region anomaly scores). */
  regions: RegionName[];
  cushing: -1 | 0 | 1;
  acromegaly: -1 | 0 | 1;
  poseSensitive: boolean;
}

type Mesh = readonly (readonly number[])[];

const dist = (m: Mesh, a: number, b: number): number => Math.hypot(m[a][0] - m[b][0], m[a][1] - m[b][1]);
const mid = (m: Mesh, a: number, b: number): number[] => [0, 1, 2].map((k) => (m[a][k] + m[b][k]) / 2);
const dist2 = (p: readonly number[], q: readonly number[]): number => Math.hypot(p[0] - q[0], p[1] - q[1]);

/** Eye centres (corner midpoints) and their distance, the unit of most ratios. */
function iod(m: Mesh): number {
  return dist2(mid(m, 33, 133), mid(m, 362, 263));
}
const faceWidth = (m: Mesh): number => dist(m, 234, 454);
const faceHeight = (m: Mesh): number => dist(m, 10, 152);
const mouthWidth = (m: Mesh): number => dist(m, 61, 291);
/** Depth towards the camera: mesh z grows away from the camera, so forward = −z. */
const forward = (p: readonly number[]): number => -p[2];

/** Area of a polygon of mesh points (shoelace), in squared mesh units. */
function polygonArea(m: Mesh, idx: readonly number[]): number {
  let a = 0;
  for (let i = 0, j = idx.length - 1; i < idx.length; j = i++)
    a += m[idx[j]][0] * m[idx[i]][1] - m[idx[i]][0] * m[idx[j]][1];
  return Math.abs(a) / 2;
}
const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149,
  150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
];

const M: (MorphometricDefinition & { compute: (m: Mesh) => number })[] = [
  // Face shape: moon face (Cushing's) widens the cheeks and lower face; acromegaly lengthens the face.
  {
    name: 'faceWidthToHeight',
    description: 'bizygomatic width (234–454) / face height (10–152)',
    regions: ['cheekRight', 'cheekLeft', 'forehead', 'chin'],
    cushing: 1,
    acromegaly: -1,
    poseSensitive: false,
    compute: (m) => faceWidth(m) / faceHeight(m),
  },
  {
    name: 'upperFaceWidthToHeight',
    description: 'facial width-to-height ratio: bizygomatic width / glabella (9) to upper lip (0)',
    regions: ['cheekRight', 'cheekLeft', 'nose'],
    cushing: 1,
    acromegaly: -1,
    poseSensitive: false,
    compute: (m) => faceWidth(m) / dist(m, 9, 0),
  },
  {
    name: 'mouthLevelWidthToFaceWidth',
    description: 'face width at mouth level (58–288) / bizygomatic width',
    regions: ['jawRight', 'jawLeft', 'cheekRight', 'cheekLeft'],
    cushing: 1,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 58, 288) / faceWidth(m),
  },
  {
    name: 'jawAngleWidthToFaceWidth',
    description: 'width at the jaw angles (172–397) / bizygomatic width',
    regions: ['jawRight', 'jawLeft'],
    cushing: 1,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 172, 397) / faceWidth(m),
  },
  {
    name: 'chinWidthToFaceWidth',
    description: 'chin width (176–400) / bizygomatic width',
    regions: ['chin', 'jawRight', 'jawLeft'],
    cushing: 1,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 176, 400) / faceWidth(m),
  },
  {
    name: 'templeWidthToFaceWidth',
    description: 'upper face width (162–389) / bizygomatic width',
    regions: ['forehead', 'preauricularRight', 'preauricularLeft'],
    cushing: 0,
    acromegaly: 0,
    poseSensitive: false,
    compute: (m) => dist(m, 162, 389) / faceWidth(m),
  },
  {
    name: 'faceRoundness',
    description:
      'face-oval area / (π/4 · width · height): 1 for an ellipse, higher for a fuller, squarer face',
    regions: ['cheekRight', 'cheekLeft', 'jawRight', 'jawLeft'],
    cushing: 1,
    acromegaly: 0,
    poseSensitive: false,
    compute: (m) => polygonArea(m, FACE_OVAL) / ((Math.PI / 4) * faceWidth(m) * faceHeight(m)),
  },
  {
    name: 'lowerFaceWidthToHeight',
    description: 'jaw-angle width / subnasale (2) to chin (152) height',
    regions: ['jawRight', 'jawLeft', 'chin'],
    cushing: 1,
    acromegaly: -1,
    poseSensitive: false,
    compute: (m) => dist(m, 172, 397) / dist(m, 2, 152),
  },
  {
    name: 'interocularToFaceWidth',
    description: 'inter-ocular distance / bizygomatic width (falls as the cheeks fill out)',
    regions: ['cheekRight', 'cheekLeft'],
    cushing: -1,
    acromegaly: 0,
    poseSensitive: false,
    compute: (m) => iod(m) / faceWidth(m),
  },
  // Nose: enlarged and widened in acromegaly.
  {
    name: 'noseWidthToInterocular',
    description: 'alar width (98–327) / inter-ocular distance',
    regions: ['nose'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 98, 327) / iod(m),
  },
  {
    name: 'alarBaseWidthToInterocular',
    description: 'alar-crease width (129–358) / inter-ocular distance',
    regions: ['nose'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 129, 358) / iod(m),
  },
  {
    name: 'noseWidthToMouthWidth',
    description: 'alar width / mouth width (61–291)',
    regions: ['nose', 'lips'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 98, 327) / mouthWidth(m),
  },
  {
    name: 'noseLengthToFaceHeight',
    description: 'nasion (168) to subnasale (2) / face height',
    regions: ['nose'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 168, 2) / faceHeight(m),
  },
  {
    name: 'noseAreaToInterocular2',
    description: 'area of the nose outline / inter-ocular distance²',
    regions: ['nose'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => polygonArea(m, [168, 417, 465, 357, 279, 327, 2, 98, 49, 128, 245, 193]) / iod(m) ** 2,
  },
  {
    name: 'noseProtrusion',
    description: 'depth of the nose tip (1) in front of the alar creases (129, 358) / inter-ocular distance',
    regions: ['nose'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: true,
    compute: (m) => (forward(m[1]) - forward(mid(m, 129, 358))) / iod(m),
  },
  // Lips: thick lips in acromegaly.
  {
    name: 'upperLipThicknessToMouthWidth',
    description: 'upper lip (0–13) / mouth width',
    regions: ['lips'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 0, 13) / mouthWidth(m),
  },
  {
    name: 'lowerLipThicknessToMouthWidth',
    description: 'lower lip (14–17) / mouth width',
    regions: ['lips'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 14, 17) / mouthWidth(m),
  },
  {
    name: 'lipHeightToMouthWidth',
    description: 'upper-lip top (0) to lower-lip bottom (17) / mouth width',
    regions: ['lips'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 0, 17) / mouthWidth(m),
  },
  {
    name: 'mouthWidthToInterocular',
    description: 'mouth width / inter-ocular distance',
    regions: ['lips'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => mouthWidth(m) / iod(m),
  },
  // Lower face and mandible: longer lower face and protruding chin in acromegaly.
  {
    name: 'lowerFaceHeightToFaceHeight',
    description: 'subnasale (2) to chin (152) / face height',
    regions: ['chin', 'upperLip', 'lips'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 2, 152) / faceHeight(m),
  },
  {
    name: 'chinHeightToFaceHeight',
    description: 'lower-lip bottom (17) to chin (152) / face height',
    regions: ['chin'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: false,
    compute: (m) => dist(m, 17, 152) / faceHeight(m),
  },
  {
    name: 'philtrumLengthToFaceHeight',
    description: 'subnasale (2) to upper-lip top (0) / face height',
    regions: ['upperLip'],
    cushing: 0,
    acromegaly: 0,
    poseSensitive: false,
    compute: (m) => dist(m, 2, 0) / faceHeight(m),
  },
  {
    name: 'chinProjection',
    description: 'depth of the chin (152) in front of the nasion (168) / inter-ocular distance (prognathism)',
    regions: ['chin', 'jawRight', 'jawLeft'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: true,
    compute: (m) => (forward(m[152]) - forward(m[168])) / iod(m),
  },
  // Brow: frontal bossing and a prominent supraorbital ridge in acromegaly.
  {
    name: 'browRidgeProminence',
    description:
      'depth of the mid-brows (105, 334) in front of the inner eye corners (133, 362) / inter-ocular distance',
    regions: ['browRidge'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: true,
    compute: (m) => (forward(mid(m, 105, 334)) - forward(mid(m, 133, 362))) / iod(m),
  },
  {
    name: 'glabellaProminence',
    description: 'depth of the glabella (9) in front of the nasion (168) / inter-ocular distance',
    regions: ['browRidge'],
    cushing: 0,
    acromegaly: 1,
    poseSensitive: true,
    compute: (m) => (forward(m[9]) - forward(m[168])) / iod(m),
  },
  {
    name: 'browToEyeDistance',
    description: 'mid-brows (105, 334) to inner eye corners (133, 362) / inter-ocular distance',
    regions: ['browRidge'],
    cushing: 0,
    acromegaly: 0,
    poseSensitive: false,
    compute: (m) => dist2(mid(m, 105, 334), mid(m, 133, 362)) / iod(m),
  },
  {
    name: 'foreheadHeightToFaceHeight',
    description: 'forehead top (10) to glabella (9) / face height',
    regions: ['forehead'],
    cushing: 0,
    acromegaly: 0,
    poseSensitive: false,
    compute: (m) => dist(m, 10, 9) / faceHeight(m),
  },
  {
    name: 'eyeWidthToInterocular',
    description: 'mean eye width (33–133, 362–263) / inter-ocular distance',
    regions: ['eyeRight', 'eyeLeft'],
    cushing: 0,
    acromegaly: 0,
    poseSensitive: false,
    compute: (m) => (dist(m, 33, 133) + dist(m, 362, 263)) / 2 / iod(m),
  },
];

export const MORPHOMETRICS: readonly MorphometricDefinition[] = M.map(({ compute: _c, ...d }) => d);
export const MORPHOMETRIC_NAMES: readonly string[] = M.map((d) => d.name);
/** Bumped whenever a definition or the frontalisation changes, so caches and bundles notice. */
export const MORPHOMETRICS_VERSION = 'morphometrics@1';

/** Rotates a mesh (x, y, z) onto the canonical mesh's orientation (least-squares 3-D rotation, Horn 1987). */
export function frontalizeMesh(mesh: Mesh): Point3[] {
  const pts = mesh.slice(0, 468).map((p) => [p[0], p[1], p[2]] as Point3);
  const r = fitRotation3(
    pts,
    CANONICAL_MESH.points.map((p) => [p[0], p[1], p[2]] as Point3),
  );
  const c = [0, 1, 2].map((k) => pts.reduce((s, p) => s + p[k], 0) / pts.length);
  return pts.map((p) => rotate3(r, [p[0] - c[0], p[1] - c[1], p[2] - c[2]]));
}

export interface MorphometricOptions {
  /** Above this |yaw| or |pitch| (degrees), pose-sensitive measures are reported as NaN. Default 15. */
  maxPoseDeg: number;
}

/**
 * All morphometrics of a face mesh (photo pixels, 468+ points with z), in MORPHOMETRIC_NAMES order.
 * Pose-sensitive measures are NaN when the head is turned beyond `maxPoseDeg`.
 */
export function computeMorphometrics(
  meshPx: Mesh,
  pose: { yawDeg: number; pitchDeg: number } = { yawDeg: 0, pitchDeg: 0 },
  options: Partial<MorphometricOptions> = {},
): Float64Array {
  const { maxPoseDeg } = { maxPoseDeg: 15, ...options };
  const frontal = frontalizeMesh(meshPx);
  const turned = Math.abs(pose.yawDeg) > maxPoseDeg || Math.abs(pose.pitchDeg) > maxPoseDeg;
  return Float64Array.from(M, (d) => (d.poseSensitive && turned ? NaN : d.compute(frontal)));
}
