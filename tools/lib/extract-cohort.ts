/** Feature extraction over a public cohort for the scripts, with the shared on-disk cache and a progress line. */
import { resolve } from 'node:path';
import {
  extractFeatureBatch,
  FeatureCache,
  type FaceFeatures,
  type FeatureSetName,
} from '../../src/features/index.js';

export const CACHE_PATH = resolve(import.meta.dirname, '..', '..', '.cache', 'features.sqlite');

export async function extractCohort<T extends { file: string }>(
  photos: readonly T[],
  sets: readonly FeatureSetName[],
  options: { workers?: number; label?: string } = {},
): Promise<{ photo: T; features: FaceFeatures }[]> {
  const cache = new FeatureCache(CACHE_PATH);
  const out: { photo: T; features: FaceFeatures }[] = [];
  const started = Date.now();
  let done = 0;
  for await (const o of extractFeatureBatch(
    photos.map((p) => p.file),
    { sets, cache, workers: options.workers ?? 2 },
  )) {
    done++;
    if (o.ok) out.push({ photo: photos[o.index], features: o.features });
    else console.error(`  skipped ${o.file}: ${o.error.code}`);
    if (done % 100 === 0 || done === photos.length) {
      process.stderr.write(
        `  ${options.label ?? 'features'}: ${done}/${photos.length} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
      );
    }
  }
  cache.close();
  return out.sort((a, b) => photos.indexOf(a.photo) - photos.indexOf(b.photo));
}
