/** Worker-thread entry: analyses one photo per task (see runtime/pool.ts). */
import { serveTasks } from '../runtime/worker-entry.js';
import type { DeepPartial } from '../util/merge.js';
import { analyzeFace, type FaceConfig } from './analyze.js';

serveTasks((task: { file: string; config: DeepPartial<FaceConfig> }) => analyzeFace(task.file, task.config));
