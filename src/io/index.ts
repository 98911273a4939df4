/**
 * Files: finding photos under folders, CSV reading and writing, and the checked writes every job
 * makes its outputs with. The only library code that touches the file system for writing, called
 * by jobs (stages read, jobs write).
 */
export { parseCsv, type CsvTable } from './csv-read.js';
export { csvField, toCsv } from './csv-write.js';
export {
  collectImageFiles,
  collectionNotes,
  IMAGE_EXTENSIONS,
  isWithin,
  OUTPUT_MARKER,
  sameContentNote,
  uniqueStems,
  type CollectErrorCode,
  type CollectedFiles,
  type CollectOptions,
} from './files.js';
export { checkedWrite, markFigureFolder, prepareOutputDir, writeChecked } from './output-dir.js';
export { fileReadError, type ReadErrorCode } from './read-error.js';
