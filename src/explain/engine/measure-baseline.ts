/**
 * Measuring a region baseline (baseline.ts) on normal photos: each photo's region attribution by the
 * explainer's own settings, then the per-region median. Feature occlusion needs the photos' mean
 * feature map first, so it takes two passes.
 */
import { EndofaceError, isEndofaceError, type Reason } from '../../core/index.js';
import type { Sex } from '../../model/index.js';
import { attributeRegions, type RegionAttribution, type RegionMethod } from './attribution.js';
import { regionBaselineOf, type BaselineSettings, type RegionBaseline } from './baseline.js';
import type { DescriptorRunner } from './descriptor-runner.js';
import { isOccludable } from './feature-occlusion.js';
import {
  createLayerAccumulator,
  leaveOneOut,
  serializeLayerReference,
  type LayerReference,
} from './layer-reference.js';
import type { ExplainTarget, PreparedFace } from './perturb.js';

/** A photo and its covariates, for `Explainer.measureBaseline`. */
export interface BaselinePhoto {
  file: string;
  sex?: Sex;
  age?: number;
}

/** What a baseline is measured with: the explainer's screen, settings, threads and face preparation. */
export interface BaselineRun {
  target: ExplainTarget;
  settings: BaselineSettings & { regionMethod: RegionMethod };
  runner: DescriptorRunner;
  /** Decodes, analyses and prepares a photo (throws `EndofaceError` for one that cannot be). */
  prepare(photo: BaselinePhoto): Promise<PreparedFace>;
}

/**
 * The baseline of `run`'s screen over normal photos. Photos that cannot be explained are returned in
 * `failed` with their reason code. Under feature occlusion a first pass sums the photos' feature maps
 * (no face kept, so memory does not grow with the photos) and a second attributes each face towards
 * the mean of the others — as an explained photo is occluded towards faces not its own; the mean is
 * stored in the baseline. Progress then counts two steps a photo.
 *
 * @throws `empty_dataset` when no photo could be explained
 */
export async function measureRegionBaseline(
  run: BaselineRun,
  photos: readonly BaselinePhoto[],
  onProgress?: (done: number, total: number, file: string) => void,
): Promise<{ baseline: RegionBaseline; failed: (Reason & { file: string })[] }> {
  const { target, settings, runner } = run;
  const attributions: RegionAttribution[] = [];
  const failed: (Reason & { file: string })[] = [];
  const attempt = async (file: string, work: () => Promise<void>): Promise<boolean> => {
    try {
      await work();
      return true;
    } catch (e) {
      if (!isEndofaceError(e)) throw e;
      failed.push({ file, code: e.code, message: e.message });
      return false;
    }
  };
  const attribute = async (face: PreparedFace, layerReference?: LayerReference) => {
    const regions = { method: settings.regionMethod, layerReference };
    attributions.push((await attributeRegions(target, face, runner, regions)).attribution);
  };
  let layerReference: LayerReference | undefined;
  if (settings.regionMethod === 'pixel') {
    for (const [i, p] of photos.entries()) {
      onProgress?.(i, photos.length, p.file);
      await attempt(p.file, async () => attribute(await run.prepare(p)));
    }
    onProgress?.(photos.length, photos.length, '');
  } else {
    const steps = 2 * photos.length;
    const ids = target.screen.featureSets.filter(isOccludable);
    const accumulator = createLayerAccumulator(ids);
    const usable: BaselinePhoto[] = [];
    for (const [i, p] of photos.entries()) {
      onProgress?.(i, steps, p.file);
      if (await attempt(p.file, async () => accumulator.add((await run.prepare(p)).aligned.image)))
        usable.push(p);
    }
    if (usable.length > 0) {
      const mean = accumulator.result(`${usable.length} normal photos of the baseline`);
      layerReference = mean;
      for (const [i, p] of usable.entries()) {
        onProgress?.(photos.length + i, steps, p.file);
        await attempt(p.file, async () => {
          const face = await run.prepare(p);
          await attribute(face, await leaveOneOut(mean, ids, face.aligned.image));
        });
      }
    }
    onProgress?.(steps, steps, '');
  }
  if (attributions.length === 0)
    throw new EndofaceError(
      'empty_dataset',
      `none of the ${photos.length} normal photos could be explained (${[...new Set(failed.map((f) => f.code))].join(', ') || 'no photos'})`,
      { failed },
    );
  const baseline = regionBaselineOf(attributions, settings);
  if (layerReference) baseline.layerReference = serializeLayerReference(layerReference);
  return { baseline, failed };
}
