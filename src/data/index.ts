export {
  loadDataset,
  type Dataset,
  type DatasetErrorCode,
  type DatasetItem,
  type DatasetWarningCode,
} from './dataset.js';
