/**
 * Occlusion sensitivity (Zeiler & Fergus, "Visualizing and understanding convolutional networks",
 * ECCV 2014): hide one cell of a grid over the aligned crop at a time and record how much the score
 * drops. The cell is inpainted from its surroundings (fill.ts), not greyed out, and the mesh
 * features are neutralised by the share of each region the cell hides (perturb.ts), so a screen that
 * uses morphometrics gets a heatmap too.
 */
import { lookUpOption } from '../../util/index.js';
import type { DescriptorRunner } from './descriptor-runner.js';
import { scorePerturbations, type ExplainTarget, type Perturbation, type PreparedFace } from './perturb.js';

/** Grid sizes: `coarse` 7 × 7 (≈ 5 s per photo here), `fine` 14 × 14 (≈ 4× longer). */
export const OCCLUSION_GRIDS = { coarse: 7, fine: 14 } as const;
export type OcclusionGrid = keyof typeof OCCLUSION_GRIDS;

/** A map of values over a regular grid laid on the aligned crop, row-major from the top-left. */
export interface CropGrid {
  rows: number;
  cols: number;
  /** Side of the crop the grid covers, in pixels. */
  cropSize: number;
  values: number[];
}

/** The result of {@link occlusionMap}. */
export interface OcclusionMap extends CropGrid {
  method: 'occlusion';
  grid: OcclusionGrid;
  /** The explained class's probability on the unoccluded face. */
  score: number;
  /** values[k] = score − score with cell k occluded (> 0: the cell pushes towards the class). */
  values: number[];
}

/** Pixel bounds [x0, x1) of cell k of n along a side of `size` pixels. */
const bound = (k: number, n: number, size: number): number => Math.round((k * size) / n);

/** The mask of one grid cell. */
export function cellMask(size: number, n: number, row: number, col: number): Uint8Array {
  const mask = new Uint8Array(size * size);
  for (let y = bound(row, n, size); y < bound(row + 1, n, size); y++)
    mask.fill(1, y * size + bound(col, n, size), y * size + bound(col + 1, n, size));
  return mask;
}

/**
 * Occlusion sensitivity of one prepared face on an n × n grid (`coarse` 7, `fine` 14): one
 * perturbation per cell, their descriptors computed through `runner`.
 */
export async function occlusionMap(
  target: ExplainTarget,
  face: PreparedFace,
  grid: OcclusionGrid = 'coarse',
  runner?: DescriptorRunner,
): Promise<OcclusionMap> {
  lookUpOption('grid', grid, Object.keys(OCCLUSION_GRIDS) as OcclusionGrid[]);
  const n = OCCLUSION_GRIDS[grid];
  const size = face.aligned.image.width;
  const perturbations: Perturbation[] = [null];
  for (let row = 0; row < n; row++)
    for (let col = 0; col < n; col++)
      perturbations.push({ mask: cellMask(size, n, row, col), source: 'any' });
  const scores = await scorePerturbations(target, face, perturbations, runner);
  return {
    method: 'occlusion',
    grid,
    rows: n,
    cols: n,
    cropSize: size,
    score: scores[0],
    values: Array.from(scores.subarray(1), (s) => scores[0] - s),
  };
}
