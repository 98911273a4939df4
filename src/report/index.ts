/**
 * Reports: the evaluation of a study (metrics, summary, figures), the per-photo records of face
 * analysis, and the charts, rendered headless (Vega-Lite → SVG → PNG). Pure: everything is
 * returned as data, text or image buffers; jobs write the files.
 */
export {
  DISCLAIMER as EVALUATION_DISCLAIMER,
  evaluateStudy,
  toJson,
  type EvaluationMetrics,
  type EvaluationOptions,
  type InputFile,
} from './evaluation.js';
export {
  alignedCropPng,
  DETECT_SUMMARY_COLUMNS,
  detectSummaryRow,
  faceAnalysisJson,
} from './face-outputs.js';
export { evaluationMarkdown, percent } from './markdown.js';
export {
  calibrationSpec,
  precisionRecallSpec,
  readerPoints,
  renderSvg,
  rocSpec,
  svgToPng,
  type ReaderPoint,
} from './plots.js';
