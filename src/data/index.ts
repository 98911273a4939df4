export {
  loadDataset,
  type Dataset,
  type DatasetErrorCode,
  type DatasetItem,
  type DatasetWarningCode,
  type LoadDatasetOptions,
} from './dataset.js';
