import { applyAffine, fitSimilarity, invertAffine, warpAffineRgb, type Point2 } from '../util/index.js';
import type { RgbImage } from '../image/index.js';
import { eyeCentres, MESH_POINTS } from './mesh-indices.js';
import type { AlignedFace } from './types.js';

export interface AlignConfig {
  /** Side of the square crop, in pixels. Default 224. */
  size: number;
}

export const defaultAlignConfig: Readonly<AlignConfig> = Object.freeze({ size: 224 });

/**
 * Canonical positions of the anchor landmarks, as fractions of the crop side. Eyes are placed at
 * (0.36, 0.40) and (0.64, 0.40); nose tip and mouth corners at the mean positions the mesh gives
 * for the 140 studio faces (webmorph-3dsk + webmorph-canada) under that eye placement, made
 * left-right symmetric. With them the crop holds the whole face: forehead top ≈ 0.14, chin ≈ 0.92.
 */
export const CANONICAL_TEMPLATE = Object.freeze({
  rightEye: [0.36, 0.4] as Point2,
  leftEye: [0.64, 0.4] as Point2,
  noseTip: [0.5, 0.593] as Point2,
  mouthRight: [0.385, 0.726] as Point2,
  mouthLeft: [0.615, 0.726] as Point2,
});

/** The anchor points of a mesh, in template order. */
function anchors(mesh: readonly (readonly number[])[]): Point2[] {
  const eyes = eyeCentres(mesh);
  const p = (i: number): Point2 => [mesh[i][0], mesh[i][1]];
  return [eyes.right, eyes.left, p(MESH_POINTS.noseTip), p(MESH_POINTS.mouthRight), p(MESH_POINTS.mouthLeft)];
}

/**
 * Aligns a face to the canonical crop with the least-squares similarity transform from five mesh
 * anchors (eye centres, nose tip, mouth corners) to `CANONICAL_TEMPLATE`. Returns the crop, the
 * mesh in crop pixels and both directions of the transform, so that anything computed on the crop
 * can be drawn back onto the photo.
 *
 * @param image the image the mesh coordinates refer to
 */
export function alignFace(
  image: RgbImage,
  meshPx: readonly (readonly number[])[],
  config: Partial<AlignConfig> = {},
): AlignedFace {
  const { size } = { ...defaultAlignConfig, ...config };
  const template = Object.values(CANONICAL_TEMPLATE).map(([x, y]) => [x * size, y * size] as Point2);
  const from = anchors(meshPx);
  const photoToCrop = fitSimilarity(from, template);
  const cropToPhoto = invertAffine(photoToCrop);
  const crop = warpAffineRgb(image, cropToPhoto, size, size);
  let sq = 0;
  from.forEach((p, i) => {
    const q = applyAffine(photoToCrop, p);
    sq += (q[0] - template[i][0]) ** 2 + (q[1] - template[i][1]) ** 2;
  });
  return {
    image: crop,
    photoToCrop,
    cropToPhoto,
    meshCrop: meshPx.map((p) => applyAffine(photoToCrop, p)),
    fitRmsPx: Math.sqrt(sq / from.length),
  };
}
