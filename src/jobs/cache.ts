import { homedir } from 'node:os';
import { join } from 'node:path';
import { FeatureCache } from '../features/index.js';

/** Where the feature cache lives unless --cache says otherwise: $XDG_CACHE_HOME/endoface or ~/.cache/endoface. */
export function defaultCachePath(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'endoface', 'features.sqlite');
}

/** Opens the cache named by --cache / --no-cache (commander sets `cache` to false for --no-cache). */
export function openCache(option: string | boolean | undefined): FeatureCache | undefined {
  if (option === false) return undefined;
  return new FeatureCache(typeof option === 'string' ? option : defaultCachePath());
}
