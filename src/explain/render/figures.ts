/**
 * The figures of one explanation, as PNG buffers: region importances painted on the photo, the
 * occlusion heatmap and the gradient saliency map, each with its colour bar.
 */
import { REGION_NAMES } from '../../face/index.js';
import type { ExplainResult } from '../explain.js';
import { overlayGrid, overlayPng, overlayRegions, photoToCropMatrix } from './overlay.js';

export interface ExplanationFigures {
  /** Each region coloured by its importance. */
  regions: Buffer;
  /** Occlusion sensitivity (when a heatmap was computed). */
  heatmap?: Buffer;
  /** Gradient saliency (when available). */
  saliency?: Buffer;
}

/** Renders the figures of an explanation (sharp; ≈ 0.1 s each for a 600 × 800 photo). */
export async function explanationFigures(result: ExplainResult, maxSide = 1024): Promise<ExplanationFigures> {
  const { explanation: e, face, photo } = result;
  const m = photoToCropMatrix(face.analysis, photo);
  // Ranked by contrast to normal faces: paint what the ranking follows (logit units).
  const contrast = e.regions.rankedBy === 'contrast';
  const byName = new Map(e.regions.regions.map((r) => [r.region, contrast ? r.contrast! : r.importance]));
  const values = REGION_NAMES.map((r) => byName.get(r)!);
  const cls = e.screen.explainedClass;
  const figures: ExplanationFigures = {
    regions: await overlayPng(
      overlayRegions(photo, m, face.labels, e.alignment.cropSize, values),
      {
        title: contrast
          ? `Δ logit P(${cls}) when hidden, minus its effect on normal faces`
          : `Δ P(${cls}) when the region is hidden`,
      },
      maxSide,
    ),
  };
  if (e.heatmap) {
    figures.heatmap = await overlayPng(
      overlayGrid(photo, m, e.heatmap),
      { title: `Δ P(${cls}) when the cell is occluded` },
      maxSide,
    );
  }
  if (e.saliency?.available) {
    figures.saliency = await overlayPng(
      overlayGrid(photo, m, e.saliency, { signed: false, vmax: 1 }),
      { title: `|∂P(${cls})/∂pixel| (relative)`, signed: false },
      maxSide,
    );
  }
  return figures;
}
