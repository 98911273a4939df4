import type { ReasonSubset } from '../core/index.js';
import type { DecodedImage, ImageWarningCode } from '../image/index.js';
import type { AffineMatrix, Point2 } from '../util/index.js';

/** A box in photo pixels: top-left corner and size. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Head pose in degrees. yaw > 0: the face turns towards the photo's right; pitch > 0: chin down; roll > 0: clockwise in the photo. */
export interface Pose {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

/** One face found in a photo. Coordinates are in the (upright) source photo's pixels. */
export interface DetectedFace {
  box: Box;
  /** 468 mesh points (+10 iris points when the iris model ran), [x, y, z]; z is relative depth in pixel-like units. */
  meshPx: [number, number, number][];
  pose: Pose;
  /** Detector confidence (0–1). */
  detectorScore: number;
  /** Mesh confidence (0–1). */
  meshScore: number;
  /** Distance between the eye centres (mean of each eye's corners), in photo pixels. */
  interOcularPx: number;
  /** 1024-d faceres descriptor, only when `face.descriptor` is on. */
  descriptor?: number[];
}

/** The face cut out and standardised: eyes level, fixed scale and position. */
export interface AlignedFace {
  /** RGB crop, `size` × `size`. */
  image: { data: Uint8Array; width: number; height: number };
  /** Maps photo pixels → crop pixels: [a, b, c, d, e, f] with x' = a·x + b·y + c, y' = d·x + e·y + f. */
  photoToCrop: AffineMatrix;
  /** Maps crop pixels → photo pixels (the inverse), to draw crop-space results back onto the photo. */
  cropToPhoto: AffineMatrix;
  /** The mesh in crop pixels. */
  meshCrop: Point2[];
  /** Root-mean-square distance (crop pixels) between the anchor landmarks and the template after the fit. */
  fitRmsPx: number;
}

export type QualityReason = ReasonSubset<
  | 'no_face'
  | 'multiple_faces'
  | 'face_too_small'
  | 'pose_out_of_range'
  | 'blurry'
  | 'under_exposed'
  | 'over_exposed'
  | 'eyes_occluded'
  | 'face_cut_off'
  | 'greyscale'
  | 'transparent'
  | 'animated'
>;

export type QualityStatus = 'pass' | 'warn' | 'reject';

export interface QualityVerdict {
  status: QualityStatus;
  /** Every reason found, each with its own severity and the measured value that triggered it. */
  reasons: { code: QualityReason; severity: 'warn' | 'reject'; message: string; value?: number }[];
  /** The measurements behind the verdict, so that thresholds can be audited. */
  measures: {
    interOcularPx?: number;
    yawDeg?: number;
    pitchDeg?: number;
    rollDeg?: number;
    /** Variance of the Laplacian of the aligned crop's face region (grey levels²). */
    sharpness?: number;
    /** Mean luminance of the face region, 0–255. */
    meanLuma?: number;
    /** Fraction of face pixels at ≤ 5 or ≥ 250. */
    clippedDark?: number;
    clippedBright?: number;
    /** Mean |Laplacian| inside the eye contours relative to the whole face (low: eyes covered). */
    eyeTextureRatio?: number;
    /** Fraction of the mesh outside the photo. */
    meshOutside?: number;
  };
}

export interface FaceAnalysis {
  /** The photo as given: path, format, size, content hash. */
  source: DecodedImage['source'];
  imageWarnings: ImageWarningCode[];
  /** All faces, largest first. */
  faces: DetectedFace[];
  /** The face every later stage uses (the largest), or undefined when none was found. */
  primary?: DetectedFace;
  aligned?: AlignedFace;
  quality: QualityVerdict;
  versions: Record<string, string>;
  timings: { decodeMs: number; detectMs: number; alignMs: number; qualityMs: number; totalMs: number };
}
