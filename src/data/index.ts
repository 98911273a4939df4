export {
  loadDataset,
  type Dataset,
  type DatasetErrorCode,
  type DatasetItem,
  type DatasetWarningCode,
  type LoadDatasetOptions,
} from './dataset.js';
export {
  isManifest,
  readablePhotos,
  resolvePhotoInputs,
  type PhotoInput,
  type ResolvedInputs,
  type ResolveOptions,
} from './inputs.js';
export {
  manifestError,
  readManifest,
  type Manifest,
  type ManifestErrorCode,
  type ManifestRow,
  type ReadManifestOptions,
} from './manifest.js';
export {
  PREDICTION_COLUMNS,
  parsePredictionsCsv,
  predictionsCsv,
  type PredictionTable,
} from './predictions.js';
export { parseReadersCsv, type ReaderRatingTable } from './readers.js';
export type { StudyTableErrorCode } from './columns.js';
