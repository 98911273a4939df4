import type { AlignedFace } from '../face/index.js';
import { regionLabelMap } from '../face/index.js';
import { srgbToLab } from '../util/index.js';

/**
 * Colour layout: where on the face the skin is redder, yellower, lighter or darker than the face as a
 * whole. The aligned face is cut into a GRID × GRID grid over the canonical face area and each
 * cell's mean L*, a*, b* (face pixels only, highlights and deep shadow left out) is reported minus
 * the whole face's mean, so a photo's overall colour cast and exposure cancel. It complements the
 * named-region colour features with the spatial pattern of colour: a malar blush (plethora), shading
 * under a prominent brow, a beard shadow. Cells with too few face pixels are missing (NaN).
 */
export const LAYOUT_GRID = 6;
/** The canonical face area the grid covers, in fractions of the crop side (see CANONICAL_TEMPLATE). */
const AREA = { x0: 0.17, x1: 0.83, y0: 0.2, y1: 0.94 };
export const COLOUR_LAYOUT_VERSION = 'colourmap@1';

export const COLOUR_LAYOUT_NAMES: readonly string[] = Array.from(
  { length: LAYOUT_GRID * LAYOUT_GRID },
  (_, k) => ['L', 'a', 'b'].map((ch) => `r${Math.floor(k / LAYOUT_GRID)}c${k % LAYOUT_GRID}.${ch}`),
).flat();

/** The colour layout of an aligned face, in COLOUR_LAYOUT_NAMES order; chromatic values NaN on greyscale photos. */
export function computeColourLayout(
  aligned: AlignedFace,
  options: { greyscale?: boolean; labels?: Int8Array } = {},
): Float64Array {
  const { data, width, height } = aligned.image;
  const labels = options.labels ?? regionLabelMap(aligned.meshCrop, width, height);
  const cells = LAYOUT_GRID * LAYOUT_GRID;
  const sum = new Float64Array(cells * 3);
  const n = new Float64Array(cells);
  const face = [0, 0, 0];
  let faceN = 0;
  for (let y = 0; y < height; y++) {
    const fy = (y + 0.5) / height;
    if (fy < AREA.y0 || fy >= AREA.y1) continue;
    const row = Math.floor(((fy - AREA.y0) / (AREA.y1 - AREA.y0)) * LAYOUT_GRID);
    for (let x = 0; x < width; x++) {
      const fx = (x + 0.5) / width;
      const i = y * width + x;
      if (fx < AREA.x0 || fx >= AREA.x1 || labels[i] < 0) continue;
      const lab = srgbToLab(data[3 * i], data[3 * i + 1], data[3 * i + 2]);
      if (lab[0] > 95 || lab[0] < 15) continue;
      const cell = row * LAYOUT_GRID + Math.floor(((fx - AREA.x0) / (AREA.x1 - AREA.x0)) * LAYOUT_GRID);
      for (let c = 0; c < 3; c++) {
        sum[cell * 3 + c] += lab[c];
        face[c] += lab[c];
      }
      n[cell]++;
      faceN++;
    }
  }
  const minPixels = (width * height) / (LAYOUT_GRID * LAYOUT_GRID) / 8;
  const out = new Float64Array(cells * 3).fill(NaN);
  for (let k = 0; k < cells; k++) {
    if (n[k] < minPixels || faceN === 0) continue;
    for (let c = 0; c < 3; c++) {
      out[k * 3 + c] = c > 0 && options.greyscale ? NaN : sum[k * 3 + c] / n[k] - face[c] / faceN;
    }
  }
  return out;
}
