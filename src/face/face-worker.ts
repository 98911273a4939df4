/** Worker-thread entry: analyses one photo per message (see runtime/pool.ts for the protocol). */
import { parentPort } from 'node:worker_threads';
import { isEndofaceError } from '../errors.js';
import type { DeepPartial } from '../util/merge.js';
import { analyzeFace, type FaceConfig } from './analyze.js';

parentPort?.on(
  'message',
  async ({ id, task }: { id: number; task: { file: string; config: DeepPartial<FaceConfig> } }) => {
    try {
      const value = await analyzeFace(task.file, task.config);
      parentPort?.postMessage({ id, ok: true, value });
    } catch (e) {
      const error = isEndofaceError(e) ? e.toJSON() : { message: e instanceof Error ? e.message : String(e) };
      parentPort?.postMessage({ id, ok: false, error });
    }
  },
);
