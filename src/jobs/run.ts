/**
 * What every job shares: how it reports progress and notes, how it is cancelled, and the record of
 * the run (software, bundle and extractor versions, per-stage timings) that each writes beside its
 * results, so that a number can always be traced to the code and model that made it.
 */
import { performance } from 'node:perf_hooks';
import { EndofaceError, SOFTWARE_VERSION } from '../core/index.js';
import { extractorVersions } from '../features/index.js';
import { writeChecked } from '../io/index.js';
import { capWorkers } from '../runtime/index.js';
import type { Bundle } from '../model/index.js';

/** One step of a long job: `done` of `total` items of a stage (e.g. 3 of 8 photos of `features`). */
export interface JobProgress {
  stage: string;
  done: number;
  total: number;
  /** The item just finished or started (a file name), when there is one. */
  item?: string;
}

/** How a caller (the CLI, the server) follows and stops a job. Every field is optional. */
export interface JobContext {
  /** Called as the job advances; one callback type for every job. */
  onProgress?: (progress: JobProgress) => void;
  /**
   * Called with each note as soon as it is known (what a folder search passed over, where an earlier
   * run went); the same notes are in the result's `notes`.
   */
  onNote?: (note: string) => void;
  /** Stops the job between items: it then rejects with `cancelled`; files already written stay whole. */
  signal?: AbortSignal;
}

/** The record of a run, written into every run summary (screen.json, training-report.json, …). */
export interface RunInfo {
  software: { name: 'endoface'; version: string };
  /** The model bundle the run used: its name, version and the SHA-256 of its metadata.json. */
  bundle?: { name: string; version: string; sha256: string };
  /** Versions of the face analysis and feature extractors that produced the run's numbers. */
  extractors: Record<string, string>;
  startedAt: string;
  /** Wall time per stage, milliseconds, and `total`. */
  timingsMs: Record<string, number>;
}

/** What every job returns besides its own results. */
export interface JobOutput {
  /** Paths of the files the job wrote, in the order written. */
  files: string[];
  /** Everything the job said along the way (also passed to `onNote`). */
  notes: string[];
  run: RunInfo;
}

/** A job's bookkeeping: created at its start, read at its end. */
export interface Run {
  readonly files: string[];
  readonly notes: string[];
  note(message: string): void;
  progress(stage: string, done: number, total: number, item?: string): void;
  /** Throws `cancelled` when the caller has aborted. */
  checkCancelled(): void;
  /** Runs one stage and adds its wall time to the stage's total. */
  timed<T>(stage: string, work: () => Promise<T>): Promise<T>;
  /** Writes a file of the job's output (checked: a failure is `output_not_writable` naming it) and records it. */
  write(path: string, data: string | Uint8Array): Promise<string>;
  info(bundle?: Bundle): RunInfo;
  /** Worker threads to use for `requested`: at most the CPU cores (a note says when capped). */
  workers(requested: number | undefined, fallback: number): number;
}

export function startRun(context: JobContext = {}): Run {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const timingsMs: Record<string, number> = {};
  const files: string[] = [];
  const notes: string[] = [];
  return {
    files,
    notes,
    note(message) {
      notes.push(message);
      context.onNote?.(message);
    },
    progress(stage, done, total, item) {
      context.onProgress?.({ stage, done, total, ...(item !== undefined ? { item } : {}) });
    },
    checkCancelled() {
      if (context.signal?.aborted)
        throw new EndofaceError('cancelled', 'the job was cancelled; the files it wrote so far are whole', {
          files: [...files],
        });
    },
    async timed(stage, work) {
      const t = performance.now();
      try {
        return await work();
      } finally {
        timingsMs[stage] = (timingsMs[stage] ?? 0) + performance.now() - t;
      }
    },
    async write(path, data) {
      await writeChecked(path, data);
      files.push(path);
      return path;
    },
    workers(requested, fallback) {
      const { workers, note } = capWorkers(requested ?? fallback);
      if (note) this.note(note);
      return workers;
    },
    info(bundle) {
      return {
        software: { name: 'endoface', version: SOFTWARE_VERSION },
        ...(bundle
          ? {
              bundle: {
                name: bundle.metadata.name,
                version: bundle.metadata.version,
                sha256: bundle.sha256 ?? '',
              },
            }
          : {}),
        extractors: bundle?.metadata.extractors ?? extractorVersions(),
        startedAt,
        timingsMs: { ...roundAll(timingsMs), total: Math.round(performance.now() - t0) },
      };
    },
  };
}

const roundAll = (t: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]));
