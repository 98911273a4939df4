import { EndofaceError, isEndofaceError, isReasonCode, type Reason } from '../core/index.js';
import { runPooled, siblingModule } from '../runtime/index.js';
import type { DeepPartial } from '../util/index.js';
import { analyzeFace, type FaceConfig } from './analyze.js';
import type { FaceAnalysis } from './types.js';

export type BatchOutcome =
  | { index: number; file: string; ok: true; analysis: FaceAnalysis }
  | { index: number; file: string; ok: false; error: Reason };

export interface BatchOptions {
  config?: DeepPartial<FaceConfig>;
  /** Worker threads; 0 analyses in this thread. Default 0. Two workers on two cores give ~2× throughput. */
  workers?: number;
}

/** An error as batch data: its reason code and message (`internal_error` for anything unexpected). */
export function outcomeError(e: unknown): Reason {
  if (isEndofaceError(e)) return { code: e.code, message: e.message };
  return { code: 'internal_error', message: e instanceof Error ? e.message : String(e) };
}

export const reviveError = (e: {
  code?: string;
  message: string;
  details?: Record<string, unknown>;
}): Error => new EndofaceError(isReasonCode(e.code) ? e.code : 'internal_error', e.message, e.details ?? {});

/**
 * Analyses many photos, yielding each outcome as soon as it is ready (in completion order; `index`
 * gives the input order). A bad photo is an outcome with its reason code, never a thrown error, so a
 * batch always runs to the end.
 */
export async function* analyzeFaceBatch(
  files: readonly string[],
  options: BatchOptions = {},
): AsyncGenerator<BatchOutcome> {
  const config = options.config ?? {};
  for await (const o of runPooled(
    files.map((file) => ({ file, config })),
    {
      workers: options.workers ?? 0,
      workerUrl: siblingModule(import.meta.url, 'face-worker'),
      local: (t) => analyzeFace(t.file, t.config),
      reviveError,
    },
  )) {
    const file = files[o.index];
    yield o.ok
      ? { index: o.index, file, ok: true, analysis: o.value }
      : { index: o.index, file, ok: false, error: outcomeError(o.error) };
  }
}
