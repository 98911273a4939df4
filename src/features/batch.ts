import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Reason } from '../core/index.js';
import { outcomeError, reviveError } from '../face/index.js';
import { runPooled, siblingModule } from '../runtime/index.js';
import {
  computeFeatures,
  lookupCachedFeatures,
  readPhotoBytes,
  storeFeatures,
  type ExtractOptions,
  type FaceFeatures,
} from './extract.js';

export type FeatureOutcome =
  | { index: number; file: string; ok: true; features: FaceFeatures }
  | { index: number; file: string; ok: false; error: Reason };

/**
 * Extracts features for many photos. Cached photos are answered first (no model work); the rest are
 * computed — in worker threads when `workers` > 0 — and stored in the cache as they arrive, so an
 * interrupted run loses nothing already computed. Unreadable photos are outcomes with their reason code.
 */
export async function* extractFeatureBatch(
  files: readonly string[],
  options: ExtractOptions & { workers?: number },
): AsyncGenerator<FeatureOutcome> {
  const { cache, workers = 0, ...rest } = options;
  const todo: number[] = [];
  for (const [index, file] of files.entries()) {
    if (cache) {
      const bytes = await readFile(file).catch(() => undefined);
      const hit =
        bytes && lookupCachedFeatures(cache, createHash('sha256').update(bytes).digest('hex'), rest, file);
      if (hit) {
        yield { index, file, ok: true, features: hit };
        continue;
      }
    }
    todo.push(index);
  }
  for await (const o of runPooled(
    todo.map((i) => ({ file: files[i], options: { sets: rest.sets, face: rest.face, sexAge: rest.sexAge } })),
    {
      workers,
      workerUrl: siblingModule(import.meta.url, 'features-worker'),
      local: async (t) => computeFeatures(await readPhotoBytes(t.file), t.options, t.file),
      reviveError,
    },
  )) {
    const index = todo[o.index];
    const file = files[index];
    if (!o.ok) {
      yield { index, file, ok: false, error: outcomeError(o.error) };
      continue;
    }
    if (cache) storeFeatures(cache, o.value, rest.face);
    yield { index, file, ok: true, features: o.value };
  }
}
