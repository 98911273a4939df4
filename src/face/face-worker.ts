/** Worker-thread entry: analyses one photo per task (see runtime/pool.ts). */
import { serveTasks } from '../runtime/index.js';
import type { DeepPartial } from '../util/index.js';
import { analyzeFace, type FaceConfig } from './analyze.js';

serveTasks((task: { file: string; config: DeepPartial<FaceConfig> }) => analyzeFace(task.file, task.config));
