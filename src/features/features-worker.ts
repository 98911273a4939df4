/** Worker-thread entry: computes one photo's feature sets per task (no cache: the parent owns it). */
import { serveTasks } from '../runtime/index.js';
import { computeFeatures, readPhotoBytes, type ExtractOptions } from './extract.js';

serveTasks(async (task: { file: string; options: Pick<ExtractOptions, 'sets' | 'face' | 'sexAge'> }) =>
  computeFeatures(await readPhotoBytes(task.file), task.options, task.file),
);
