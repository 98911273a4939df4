/** Drawing explanations: region importances and heatmaps over the photo, the colour map. */
export { explanationFigures, type ExplanationFigures } from './figures.js';
export {
  colourBarSvg,
  overlayGrid,
  overlayPng,
  overlayRegions,
  paintRegions,
  photoToCropMatrix,
  type OverlayOptions,
} from './overlay.js';
export { COOL_WARM, coolWarm } from './colour-map.js';
