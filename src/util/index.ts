/** Small numeric helpers every stage may use: geometry, colour spaces, linear algebra, rasters, options. */
export { labToSrgb, srgbToLab } from './colour.js';
export {
  affineScale,
  applyAffine,
  distance,
  fitSimilarity,
  invertAffine,
  midpoint,
  warpAffineRgb,
  type AffineMatrix,
  type Point2,
} from './geometry.js';
export { symmetricEigen } from './linalg.js';
export { mergeChecked, type DeepPartial } from './merge.js';
export { lookUpOption } from './options.js';
export { lumaOf, polygonMask } from './raster.js';
export { fitRotation3, rotate3, yawRotation, type Point3, type Rotation3 } from './rotation3d.js';
