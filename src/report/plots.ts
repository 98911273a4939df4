/**
 * The evaluation's figures as Vega-Lite specifications, rendered headless to SVG by Vega's
 * `View#toSVG` and to PNG by sharp. The specs are plain data (and saved beside the images), so a
 * figure can be restyled in any Vega-Lite editor without rerunning the analysis.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CalibrationCurve, PrecisionRecallCurve, ReaderResult, RocCurve } from '../stats/index.js';

const SIZE = 360;
const FONT = 'DejaVu Sans, Arial, sans-serif';
const CONFIG = {
  font: FONT,
  axis: { labelFontSize: 12, titleFontSize: 13, grid: true, gridOpacity: 0.5 },
  legend: {
    labelFontSize: 12,
    titleFontSize: 12,
    orient: 'bottom' as const,
    direction: 'vertical' as const,
    labelLimit: 360,
  },
  title: { fontSize: 14, anchor: 'start' as const },
};
const unitAxis = (title: string) => ({ type: 'quantitative' as const, scale: { domain: [0, 1] }, title });
const diagonal = {
  data: {
    values: [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ],
  },
  mark: { type: 'line' as const, color: '#999', strokeDash: [4, 4] },
  encoding: { x: { field: 'x', ...unitAxis('') }, y: { field: 'y', ...unitAxis('') } },
};

/** A plotted reader: a binary reader is one point; a rating reader one point per rating cut. */
export interface ReaderPoint {
  reader: string;
  fpr: number;
  tpr: number;
  label: string;
}

/** Reader operating points in ROC space, for {@link rocSpec}. */
export function readerPoints(readers: readonly ReaderResult[]): ReaderPoint[] {
  return readers.flatMap((r) =>
    r.operatingPoints.map((p) => ({
      reader: `${r.reader}${r.level === null ? '' : ` (${r.level})`}`,
      fpr: 1 - p.specificity,
      tpr: p.sensitivity,
      label: p.ratingCut === null ? 'call' : `≥ ${p.ratingCut}`,
    })),
  );
}

/** ROC curve of the model (with its AUC in the legend) and the readers' operating points. */
export function rocSpec(roc: RocCurve, aucLabel: string, readers: ReaderPoint[] = []): TopLevelSpec {
  const modelName = `Model (${aucLabel})`;
  const values = [
    ...roc.fpr.map((x, i) => ({ fpr: x, tpr: roc.tpr[i], series: modelName, kind: 'model' })),
    ...readers.map((r) => ({ fpr: r.fpr, tpr: r.tpr, series: r.reader, kind: 'reader', cut: r.label })),
  ];
  const series = [modelName, ...new Set(readers.map((r) => r.reader))];
  const palette = ['#1f5fa8', '#e4572e', '#2a9d8f', '#9c27b0', '#f4a261', '#6d597a', '#e76f51', '#264653'];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    sort: series,
    scale: { domain: series, range: series.map((_, i) => palette[i % palette.length]) },
    legend: { orient: 'bottom', direction: 'vertical', labelLimit: 360 },
  };
  const x = { field: 'fpr', ...unitAxis('1 − specificity (false positive rate)') };
  const y = { field: 'tpr', ...unitAxis('Sensitivity (true positive rate)') };
  const layers: object[] = [
    diagonal,
    {
      transform: [{ filter: "datum.kind === 'model'" }],
      mark: { type: 'line', strokeWidth: 2.5 },
      encoding: { x, y, color },
    },
  ];
  if (readers.length > 0) {
    layers.push(
      {
        transform: [{ filter: "datum.kind === 'reader'" }],
        mark: { type: 'line', strokeWidth: 1, opacity: 0.5 },
        encoding: { x, y, color, detail: { field: 'series', type: 'nominal' } },
      },
      {
        transform: [{ filter: "datum.kind === 'reader'" }],
        mark: { type: 'point', filled: true, size: 110, stroke: 'black', strokeWidth: 0.8, opacity: 1 },
        encoding: { x, y, color },
      },
    );
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: 'ROC curve' + (readers.length > 0 ? ' with reader operating points' : ''),
      subtitle: readers.length > 0 ? 'Reader points below the curve: the model is more sensitive there' : '',
    },
    width: SIZE,
    height: SIZE,
    config: CONFIG,
    data: { values },
    layer: layers,
  } as TopLevelSpec;
}

/** Reliability diagram: observed fraction positive (Wilson 95 % bars) against mean predicted probability. */
export function calibrationSpec(curve: CalibrationCurve, subtitle: string): TopLevelSpec {
  const values = curve.meanPredicted.map((x, i) => ({
    predicted: x,
    observed: curve.fractionPositive[i],
    lower: curve.fractionPositiveCi[i].lower,
    upper: curve.fractionPositiveCi[i].upper,
    n: curve.count[i],
  }));
  const x = { field: 'predicted', ...unitAxis('Mean predicted probability') };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Calibration (reliability diagram)', subtitle },
    width: SIZE,
    height: SIZE,
    config: CONFIG,
    layer: [
      diagonal,
      {
        data: { values },
        mark: { type: 'rule', color: '#1f5fa8', opacity: 0.6 },
        encoding: { x, y: { field: 'lower', ...unitAxis('') }, y2: { field: 'upper' } },
      },
      {
        data: { values },
        mark: { type: 'line', color: '#1f5fa8', point: { filled: true, size: 50 } },
        encoding: { x, y: { field: 'observed', ...unitAxis('Observed fraction positive') } },
      },
      {
        data: { values },
        mark: { type: 'text', dx: 12, dy: -8, fontSize: 10, color: '#555' },
        encoding: {
          x,
          y: { field: 'observed', type: 'quantitative' },
          text: { field: 'n', type: 'quantitative', format: 'd' },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Precision–recall curve (step-wise, as average precision measures it) with the prevalence line. */
export function precisionRecallSpec(
  pr: PrecisionRecallCurve,
  apLabel: string,
  prevalence: number,
): TopLevelSpec {
  // Points in scikit-learn's order (recall decreasing), drawn as steps-post like its PrecisionRecallDisplay.
  const values = pr.recall.map((r, i) => ({ i, recall: r, precision: pr.precision[i] }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Precision–recall curve', subtitle: apLabel },
    width: SIZE,
    height: SIZE,
    config: CONFIG,
    layer: [
      {
        data: { values: [{ y: prevalence }] },
        mark: { type: 'rule', color: '#999', strokeDash: [4, 4] },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2.5, color: '#1f5fa8' },
        encoding: {
          x: { field: 'recall', ...unitAxis('Recall (sensitivity)') },
          y: { field: 'precision', ...unitAxis('Precision (PPV)') },
          order: { field: 'recall' },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Compiles a Vega-Lite spec and renders it headless to an SVG string (no DOM, no network). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG with sharp at 2× (192 dpi), on a white background. */
export async function svgToPng(svg: string): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp(Buffer.from(svg), { density: 192 }).flatten({ background: '#ffffff' }).png().toBuffer();
}
