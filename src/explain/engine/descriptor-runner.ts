/**
 * Runs the descriptor network over many perturbed crops: in this thread, or split across a pool of
 * worker threads (each with its own WASM backend and model) so that a 2-core machine computes two
 * crops at once while this thread inpaints and measures colour. Measured on this machine: one crop
 * per call is as fast per crop as any batch size, so parallelism comes from threads, not batches.
 */
import { reviveError } from '../../face/index.js';
import { computeDescriptors, type DescriptorId } from '../../features/index.js';
import type { RgbImage } from '../../image/index.js';
import { createWorkerPool, siblingModule, type WorkerPool } from '../../runtime/index.js';

/** Computes descriptors of crops, in input order. */
export interface DescriptorRunner {
  run(set: DescriptorId, images: readonly RgbImage[]): Promise<Float32Array[]>;
  close(): Promise<void>;
  readonly workers: number;
}

type Task = { set: DescriptorId; images: RgbImage[] };

async function runLocal(set: DescriptorId, images: readonly RgbImage[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const image of images) out.push(...(await computeDescriptors(set, [image])));
  return out;
}

/** The runner in this thread (no workers). */
export const localDescriptorRunner: DescriptorRunner = {
  run: runLocal,
  close: async () => undefined,
  workers: 0,
};

/**
 * A runner over `workers` worker threads (0 = this thread). Each call splits its crops into
 * `workers` interleaved shares, so both threads finish together. Close it when done, or the
 * workers keep the process alive.
 */
export function createDescriptorRunner(workers: number): DescriptorRunner {
  if (workers <= 0) return localDescriptorRunner;
  let pool: WorkerPool<Task, Float32Array[]> | undefined;
  return {
    workers,
    async run(set, images) {
      if (images.length <= 1) return runLocal(set, images);
      pool ??= createWorkerPool<Task, Float32Array[]>(
        siblingModule(import.meta.url, 'descriptor-worker'),
        workers,
        reviveError,
      );
      const shares = Array.from({ length: Math.min(workers, images.length) }, (_, w) =>
        images.filter((_, i) => i % workers === w),
      );
      const results = await Promise.all(shares.map((share) => pool!.run({ set, images: share })));
      return images.map((_, i) => results[i % workers][Math.floor(i / workers)]);
    },
    async close() {
      await pool?.close();
      pool = undefined;
    },
  };
}
