import { parentPort } from 'node:worker_threads';
import { isEndofaceError } from '../core/index.js';

/**
 * Makes the current worker thread answer pool tasks with `fn` (see pool.ts for the protocol).
 * Errors travel back with their reason code.
 */
export function serveTasks<TIn, TOut>(fn: (task: TIn) => Promise<TOut>): void {
  parentPort?.on('message', async ({ id, task }: { id: number; task: TIn }) => {
    try {
      parentPort?.postMessage({ id, ok: true, value: await fn(task) });
    } catch (e) {
      const error = isEndofaceError(e) ? e.toJSON() : { message: e instanceof Error ? e.message : String(e) };
      parentPort?.postMessage({ id, ok: false, error });
    }
  });
}
