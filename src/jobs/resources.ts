/**
 * What a job opens for its caller: the model bundle (the bundled default unless another is named)
 * and the feature cache (a path, an open cache, or none).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FeatureCache } from '../features/index.js';
import { loadBundle, type Bundle } from '../model/index.js';

/** The bundled default model (`models/default`, beside `src/` and `dist/`). */
export const DEFAULT_MODEL = fileURLToPath(new URL('../../models/default', import.meta.url));

export interface ModelRequest {
  /** A bundle folder or a loaded bundle. Default: the bundled default model (trained on simulated signs). */
  model?: string | Bundle;
}

export interface CacheRequest {
  /**
   * The feature cache: an open one, the path of its SQLite file (opened and closed by the job), or
   * `false`/absent for none. The CLI's default is `defaultCachePath()`.
   */
  cache?: FeatureCache | string | false;
}

export async function openBundle(model: ModelRequest['model']): Promise<Bundle> {
  return typeof model === 'object' ? model : loadBundle(model ?? DEFAULT_MODEL);
}

/** The request's cache, and how to close it (only a cache the job opened itself is closed). */
export function openCacheOf(cache: CacheRequest['cache']): { cache?: FeatureCache; close(): void } {
  if (cache instanceof FeatureCache) return { cache, close: () => {} };
  if (typeof cache !== 'string') return { close: () => {} };
  const opened = new FeatureCache(cache);
  return { cache: opened, close: () => opened.close() };
}

/** Where the CLI keeps the feature cache: $XDG_CACHE_HOME/endoface or ~/.cache/endoface. */
export function defaultCachePath(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'endoface', 'features.sqlite');
}
