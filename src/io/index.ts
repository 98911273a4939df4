/**
 * Files: finding photos under folders, CSV reading and writing, the checked writes every job makes
 * its outputs with, and the on-disk feature cache. The only library code that writes to the file
 * system, called by jobs (stages read; a stage that fills the cache does it through the cache
 * object its job opened and handed it).
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
export { FeatureCache, type CachedEntry } from './feature-cache.js';
