/**
 * What every command hands its job: progress drawn on stderr, notes printed as they come, Ctrl-C
 * turned into a cancellation (the job stops between photos, its files whole), and the feature cache
 * the flags name.
 */
import { defaultCachePath, type JobContext, type QualityStatus, type Sex } from '../jobs/index.js';
import type { Progress } from './progress.js';

export function jobContext(progress?: Progress): JobContext {
  const controller = new AbortController();
  // The first Ctrl-C asks the job to stop; a second one ends the process at once.
  process.once('SIGINT', () => {
    console.error('\nstopping after the current photo (Ctrl-C again to stop at once)');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return {
    signal: controller.signal,
    onProgress: progress ? (p) => progress.update(p) : undefined,
    onNote: (note) => console.error(`note: ${note}`),
  };
}

/** The flags every scoring command shares (commands.ts `scoring`). */
export interface ScoringFlags {
  model?: string;
  admit: QualityStatus[];
  sex?: Sex;
  age?: number;
  cache?: string | boolean;
  workers: number;
}

/** The part of a scoring job's request those flags make. */
export function scoringRequest(flags: ScoringFlags) {
  return {
    model: flags.model,
    admit: flags.admit,
    sex: flags.sex,
    age: flags.age,
    workers: flags.workers,
    cache: cacheRequest(flags.cache),
  };
}

/** `--cache PATH`, `--no-cache` (commander gives false) or the default cache. */
export function cacheRequest(flag: string | boolean | undefined): string | false {
  return typeof flag === 'string' ? flag : flag === false ? false : defaultCachePath();
}
