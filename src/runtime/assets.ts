/**
 * The files endoface builds once and reads at run time (the canonical mesh, the mean face, the mean
 * feature maps of normal faces) live in the package's `assets/` folder, beside `src/` and `dist/`:
 * this module is at the same depth in both, so one relative URL serves either.
 */
export const ASSETS = {
  /** The mean aligned 468-point mesh of the studio faces: the frame regions are defined in (face/regions.ts). */
  canonicalMesh: 'canonical-mesh.json',
  /** The mean aligned face, whose fine detail the explainer's inpainting fill borrows. */
  meanFace: 'mean-face.png',
  /** Normal faces' mean FaceRes feature maps, towards which feature occlusion hides a region. */
  layerReference: 'layer-reference.json',
} as const;

/** The URL of a shipped asset file. */
export function assetUrl(name: (typeof ASSETS)[keyof typeof ASSETS]): URL {
  return new URL(`../../assets/${name}`, import.meta.url);
}
