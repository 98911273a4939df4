/**
 * Named points and contours on the 468-point face mesh (MediaPipe topology, as produced by
 * human's facemesh; 468–477 are the iris points when the iris model runs). "Right" and "left"
 * are the subject's: the subject's right eye is on the photo's left in a frontal photo.
 * Clinical regions built from these live in regions.ts.
 */
export const MESH_POINTS = {
  rightEyeOuter: 33,
  rightEyeInner: 133,
  leftEyeInner: 362,
  leftEyeOuter: 263,
  /** Iris centres (present only with the iris model); 468 is the subject's left, checked on the studio sets. */
  leftIrisCentre: 468,
  rightIrisCentre: 473,
  noseTip: 1,
  subnasale: 2,
  rightAlare: 129,
  leftAlare: 358,
  mouthRight: 61,
  mouthLeft: 291,
  upperLipTop: 0,
  lowerLipBottom: 17,
  chin: 152,
  foreheadTop: 10,
  glabella: 9,
} as const;

export const MESH_CONTOURS = {
  faceOval: [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176,
    149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
  ],
  rightEye: [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246],
  leftEye: [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466],
  lipsOuter: [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185],
} as const;

export const MESH_SIZE = 468;

type Mesh = readonly (readonly number[])[];

/** Eye centres as the midpoints of each eye's corners: robust to gaze and to eye bars, unlike the iris. */
export function eyeCentres(mesh: Mesh): { right: [number, number]; left: [number, number] } {
  const m = (i: number, j: number): [number, number] => [
    (mesh[i][0] + mesh[j][0]) / 2,
    (mesh[i][1] + mesh[j][1]) / 2,
  ];
  return {
    right: m(MESH_POINTS.rightEyeOuter, MESH_POINTS.rightEyeInner),
    left: m(MESH_POINTS.leftEyeInner, MESH_POINTS.leftEyeOuter),
  };
}
