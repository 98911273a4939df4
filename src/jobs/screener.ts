/**
 * One call from a photo to its answer, for library users (after transformers.js's `pipeline`):
 * `createScreener()` loads the bundle and its explainers once; `screen(photo)` returns what the
 * screen job gives per photo, without writing anything; `dispose()` frees it.
 *
 * @example
 *   import { createScreener } from 'endoface';
 *   const screener = await createScreener();            // the bundled default model
 *   const r = await screener.screen('photo.jpg', { sex: 'female', age: 34 });
 *   r.conditions.cushing?.screen?.probability;          // 0.07
 *   r.drivers.cushing;                                  // [{ region: 'cheekRight', … }, …]
 *   await screener.dispose();
 */
import type { Explainer } from '../explain/index.js';
import type { Bundle } from '../model/index.js';
import type { QualityStatus } from '../face/index.js';
import { checkAdmit, checkReferenceGroup, type ReferenceGroup } from './photo-scores.js';
import { openBundle, openCacheOf, type CacheRequest, type ModelRequest } from './resources.js';
import { createScreenExplainers, screenPhoto } from './screen-photo.js';
import type { ScreenResult } from './screen-result.js';

export interface ScreenerOptions extends ModelRequest, CacheRequest {
  /** Which regions drive each screen's score (≈ 1–3 s per screen and photo). Default true. */
  explain?: boolean;
  /** Regions listed per photo. Default 3. */
  topRegions?: number;
  /** Quality statuses scored (default pass and warn; add `reject` to score photos the check rejects). */
  admit?: readonly QualityStatus[];
}

export interface Screener {
  readonly bundle: Bundle;
  /**
   * Screens one photo (a path or its bytes). A photo that cannot be scored comes back with
   * `scored: false` and `notScored` saying why; bad options throw.
   */
  screen(photo: string | Buffer, reference?: ReferenceGroup): Promise<ScreenResult>;
  dispose(): Promise<void>;
}

export async function createScreener(options: ScreenerOptions = {}): Promise<Screener> {
  const admit = checkAdmit(options.admit);
  const bundle = await openBundle(options.model);
  const explainers: Explainer[] =
    options.explain === false ? [] : await createScreenExplainers(bundle, 'none', admit);
  const cache = openCacheOf(options.cache);
  return {
    bundle,
    async screen(photo, reference = {}) {
      const checked = checkReferenceGroup(reference);
      const input =
        typeof photo === 'string' ? { file: photo, covariates: {}, origin: 'named' } : { bytes: photo };
      const { result } = await screenPhoto(input, {
        bundle,
        explainers,
        cache: cache.cache,
        reference: checked,
        admit,
        topN: options.topRegions ?? 3,
      });
      return result;
    },
    async dispose() {
      await Promise.all(explainers.map((e) => e.dispose()));
      cache.close();
    },
  };
}
