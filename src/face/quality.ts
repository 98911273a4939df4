import type { ImageWarningCode } from '../image/index.js';
import type { Point2 } from '../util/index.js';
import { lumaOf, polygonMask } from '../util/index.js';
import { MESH_CONTOURS } from './mesh-indices.js';
import type { AlignedFace, DetectedFace, QualityReason, QualityStatus, QualityVerdict } from './types.js';

/** A threshold pair: beyond `warn` the photo is usable with a warning; beyond `reject` it is not scored. */
export interface Limit {
  warn: number;
  reject: number;
}

/**
 * Quality thresholds. Defaults were calibrated on the 140 studio faces (webmorph-3dsk,
 * webmorph-canada), which all pass, with margins from their extremes; see docs/methods/quality.md.
 */
export interface QualityConfig {
  /** Minimum inter-ocular distance in source-photo pixels (below: too little detail). */
  minInterOcularPx: Limit;
  /** Maximum |yaw| in degrees. Frontal morphometrics distort quickly with yaw. */
  maxYawDeg: Limit;
  /** Maximum |pitch| in degrees. */
  maxPitchDeg: Limit;
  /** Maximum |roll| in degrees (alignment removes roll; extreme roll hints at a bad detection). */
  maxRollDeg: Limit;
  /** Minimum sharpness (variance of the Laplacian over the face on the 224-px crop, grey levels²). */
  minSharpness: Limit;
  /** Minimum mean face luminance (0–255). */
  minMeanLuma: Limit;
  /** Maximum mean face luminance (0–255). */
  maxMeanLuma: Limit;
  /** Maximum fraction of face pixels clipped to white (≥ 250). */
  maxClippedBright: Limit;
  /** Maximum fraction of face pixels crushed to black (≤ 5). */
  maxClippedDark: Limit;
  /**
   * Minimum ratio of mean |Laplacian| inside the eye contours to that over the face. Real eyes (pupil,
   * iris, sclera, lashes) are the most textured part of a face (studio faces ≥ 2.3, dim webcam ≥ 1.2);
   * an eye bar or a blur box is flat (the masked acromegaly photo: 0.14–0.16).
   */
  minEyeTextureRatio: Limit;
  /** Maximum fraction of mesh points outside the photo. */
  maxMeshOutside: Limit;
}

export const defaultQualityConfig: Readonly<QualityConfig> = Object.freeze({
  minInterOcularPx: { warn: 40, reject: 20 },
  maxYawDeg: { warn: 15, reject: 30 },
  maxPitchDeg: { warn: 20, reject: 35 },
  maxRollDeg: { warn: 30, reject: 60 },
  minSharpness: { warn: 8, reject: 3 },
  minMeanLuma: { warn: 60, reject: 30 },
  maxMeanLuma: { warn: 225, reject: 245 },
  maxClippedBright: { warn: 0.1, reject: 0.4 },
  maxClippedDark: { warn: 0.1, reject: 0.4 },
  minEyeTextureRatio: { warn: 0.8, reject: 0.5 },
  maxMeshOutside: { warn: 0.02, reject: 0.2 },
});

type Measures = QualityVerdict['measures'];

/** Measures the image-quality properties of one aligned face. */
export function measureQuality(
  face: DetectedFace,
  aligned: AlignedFace,
  photo: { width: number; height: number },
): Measures {
  const { width, height } = aligned.image;
  const luma = lumaOf(aligned.image);
  const contour = (idx: readonly number[]): Point2[] => idx.map((i) => aligned.meshCrop[i]);
  const faceMask = polygonMask(width, height, contour(MESH_CONTOURS.faceOval));
  const eyeMask = polygonMask(width, height, contour(MESH_CONTOURS.rightEye));
  const leftEyeMask = polygonMask(width, height, contour(MESH_CONTOURS.leftEye));
  for (let i = 0; i < eyeMask.length; i++) eyeMask[i] |= leftEyeMask[i];

  // Over the face: luminance, clipping, and the variance of the 4-neighbour Laplacian (sharpness,
  // Pech-Pacheco et al. 2000). Mean |Laplacian| inside the eyes against the face's tells a flat eye
  // bar from real eyes.
  const acc = { n: 0, luma: 0, lap: 0, lap2: 0, absLap: 0, dark: 0, bright: 0, eyeN: 0, eyeAbsLap: 0 };
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = luma[i - 1] + luma[i + 1] + luma[i - width] + luma[i + width] - 4 * luma[i];
      if (eyeMask[i]) {
        acc.eyeN++;
        acc.eyeAbsLap += Math.abs(lap);
      }
      if (!faceMask[i]) continue;
      acc.n++;
      acc.luma += luma[i];
      acc.lap += lap;
      acc.lap2 += lap * lap;
      acc.absLap += Math.abs(lap);
      if (luma[i] <= 5) acc.dark++;
      if (luma[i] >= 250) acc.bright++;
    }
  }
  const n = Math.max(1, acc.n);
  const outside = face.meshPx
    .slice(0, 468)
    .filter(([x, y]) => x < 0 || y < 0 || x > photo.width || y > photo.height).length;

  return {
    interOcularPx: face.interOcularPx,
    yawDeg: face.pose.yawDeg,
    pitchDeg: face.pose.pitchDeg,
    rollDeg: face.pose.rollDeg,
    sharpness: acc.lap2 / n - (acc.lap / n) ** 2,
    meanLuma: acc.luma / n,
    clippedDark: acc.dark / n,
    clippedBright: acc.bright / n,
    eyeTextureRatio: acc.eyeN > 0 && acc.absLap > 0 ? acc.eyeAbsLap / acc.eyeN / (acc.absLap / n) : 0,
    meshOutside: outside / 468,
  };
}

/** Every quality status, mildest first (what a request's `admit` may list). */
export const QUALITY_STATUSES = ['pass', 'warn', 'reject'] as const satisfies readonly QualityStatus[];

const MESSAGES: Record<QualityReason, string> = {
  no_face: 'no face was found',
  multiple_faces: 'more than one face; the largest is used',
  face_too_small: 'the face is small in the photo (inter-ocular distance in pixels)',
  pose_out_of_range: 'the head is turned or tilted (degrees)',
  blurry: 'the face is blurred (Laplacian variance)',
  under_exposed: 'the face is too dark',
  over_exposed: 'the face is too bright',
  eyes_occluded: 'the eyes look covered (eye texture relative to the face)',
  face_cut_off: 'part of the face is outside the photo (fraction of mesh points)',
  greyscale: 'the photo is greyscale: colour features are unavailable',
  transparent:
    'the photo has transparent parts, flattened onto grey: a face under them is not as photographed',
  animated: 'the file holds several images (an animation, or pages): only the first is used',
};

/**
 * Turns measurements into a pass / warn / reject verdict. The status is the worst severity of any reason.
 */
export function judgeQuality(
  faceCount: number,
  measures: Measures,
  imageWarnings: readonly ImageWarningCode[],
  config: Partial<QualityConfig> = {},
): QualityVerdict {
  const cfg = { ...defaultQualityConfig, ...config };
  const reasons: QualityVerdict['reasons'] = [];
  const add = (code: QualityReason, severity: 'warn' | 'reject', value?: number): void => {
    reasons.push({ code, severity, message: MESSAGES[code], ...(value === undefined ? {} : { value }) });
  };
  const below = (code: QualityReason, value: number | undefined, limit: Limit): void => {
    if (value === undefined) return;
    if (value < limit.reject) add(code, 'reject', value);
    else if (value < limit.warn) add(code, 'warn', value);
  };
  const above = (code: QualityReason, value: number | undefined, limit: Limit): void => {
    if (value === undefined) return;
    if (value > limit.reject) add(code, 'reject', value);
    else if (value > limit.warn) add(code, 'warn', value);
  };

  if (faceCount === 0) add('no_face', 'reject');
  if (faceCount > 1) add('multiple_faces', 'warn', faceCount);
  if (imageWarnings.includes('greyscale')) add('greyscale', 'warn');
  if (imageWarnings.includes('alpha_flattened')) add('transparent', 'warn');
  if (imageWarnings.includes('animated_first_frame')) add('animated', 'warn');
  if (faceCount > 0) {
    below('face_too_small', measures.interOcularPx, cfg.minInterOcularPx);
    const worstPose = [
      [Math.abs(measures.yawDeg ?? 0), cfg.maxYawDeg],
      [Math.abs(measures.pitchDeg ?? 0), cfg.maxPitchDeg],
      [Math.abs(measures.rollDeg ?? 0), cfg.maxRollDeg],
    ] as const;
    const poseReject = worstPose.find(([v, l]) => v > l.reject);
    const poseWarn = worstPose.find(([v, l]) => v > l.warn);
    if (poseReject) add('pose_out_of_range', 'reject', poseReject[0]);
    else if (poseWarn) add('pose_out_of_range', 'warn', poseWarn[0]);
    below('blurry', measures.sharpness, cfg.minSharpness);
    below('under_exposed', measures.meanLuma, cfg.minMeanLuma);
    above('over_exposed', measures.meanLuma, cfg.maxMeanLuma);
    if (!reasons.some((r) => r.code === 'over_exposed'))
      above('over_exposed', measures.clippedBright, cfg.maxClippedBright);
    if (!reasons.some((r) => r.code === 'under_exposed'))
      above('under_exposed', measures.clippedDark, cfg.maxClippedDark);
    below('eyes_occluded', measures.eyeTextureRatio, cfg.minEyeTextureRatio);
    above('face_cut_off', measures.meshOutside, cfg.maxMeshOutside);
  }
  const status = reasons.some((r) => r.severity === 'reject')
    ? 'reject'
    : reasons.some((r) => r.severity === 'warn')
      ? 'warn'
      : 'pass';
  return { status, reasons, measures };
}
