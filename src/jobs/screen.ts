/**
 * The `screen` job, endoface's main job: for each photo, the quality verdict; per condition the
 * normative score with its percentile among normal faces and the trained screen's probability; the
 * regions that deviate most from normal faces; and, with an output folder, for each screen the
 * regions that drive its score, painted on the photo (plus an occlusion heatmap on request), a JSON
 * per photo and `screen.json` for the run.
 */
import { join } from 'node:path';
import { resolvePhotoInputs, type PhotoInput } from '../data/index.js';
import { explanationFigures } from '../explain/index.js';
import type { QualityStatus } from '../face/index.js';
import type { FeatureCache } from '../features/index.js';
import { prepareOutputDir, sameContentNote, uniqueStems } from '../io/index.js';
import type { Bundle } from '../model/index.js';
import { lookUpOption } from '../util/index.js';
import {
  checkAdmit,
  checkReferenceGroup,
  type PhotoPrediction,
  type ReferenceGroup,
} from './photo-scores.js';
import { predictPhotos } from './predict.js';
import { openBundle, openCacheOf, type CacheRequest, type ModelRequest } from './resources.js';
import { startRun, type JobContext, type JobOutput, type Run } from './run.js';
import { createScreenExplainers, screenPhoto } from './screen-photo.js';
import { toResult, type ScreenResult } from './screen-result.js';

export type { ScreenResult } from './screen-result.js';

/** The explanations a screen writes: region attribution, plus an occlusion heatmap, or none. */
export const SCREEN_EXPLANATIONS = ['regions', 'coarse', 'fine', 'none'] as const;
export type ScreenExplanation = (typeof SCREEN_EXPLANATIONS)[number];

export interface ScreenRequest extends ModelRequest, CacheRequest, ReferenceGroup {
  /** Photos, folders, or CSV manifests (`file[,subject_id,sex,age,…]`). */
  inputs: readonly string[];
  /** Output folder (screen.json, a JSON per photo, the figures); nothing is written when absent. */
  out?: string;
  /**
   * Explanations of each screen's score per scored photo (written with `out`): `regions` (region
   * attribution, ≈ 1–3 s per screen), `coarse` / `fine` (plus an occlusion heatmap, ≈ 5 / 20 s),
   * `none`. Default `regions`.
   */
  explain?: ScreenExplanation;
  /** Worker threads for feature extraction when nothing is explained (0 = this thread). Default 0. */
  workers?: number;
  /** Regions listed per photo (most unusual, strongest drivers). Default 3. */
  topRegions?: number;
  /**
   * Quality statuses scored. Default pass and warn; add `reject` to score a photo that fails a check
   * the user understands (masked eyes, say) — its result then says so (`admittedDespite`).
   */
  admit?: readonly QualityStatus[];
}

export interface ScreenJobResult extends JobOutput {
  results: ScreenResult[];
  bundle: Bundle;
}

/**
 * Screens photos. Everything that can be refused (the bundle, the inputs, the output folder) is
 * checked before the first photo; a photo that cannot be scored is listed with its reason.
 */
export async function runScreen(request: ScreenRequest, context: JobContext = {}): Promise<ScreenJobResult> {
  const run = startRun(context);
  const mode0 = lookUpOption('explain', request.explain ?? 'regions', SCREEN_EXPLANATIONS);
  const reference = checkReferenceGroup({ sex: request.sex, age: request.age });
  const admit = checkAdmit(request.admit);
  const bundle = await run.timed('load', () => openBundle(request.model));
  const { out } = request;
  // The figures of an earlier run into the same folder are not photos to score.
  const { photos, notes } = await resolvePhotoInputs(request.inputs, {
    exclude: out ? [join(out, 'photos')] : [],
  });
  for (const note of notes) run.note(note);
  // Before the feature extraction: a folder that cannot be written must not waste it.
  if (out) {
    const { earlierRun } = await prepareOutputDir(out, { subfolders: ['photos'], runFile: 'screen.json' });
    if (earlierRun) run.note(earlierRun);
  }
  const topN = request.topRegions ?? 3;
  const mode = out ? mode0 : 'none';
  const cache = openCacheOf(request.cache);
  let results: ScreenResult[];
  try {
    if (mode === 'none') {
      const preds = await predictPhotos(bundle, photos, {
        cache: cache.cache,
        workers: run.workers(request.workers, 0),
        reference,
        admit,
        run,
      });
      results = preds.map((p) => toResult(p, topN));
      if (out) {
        const stems = uniqueStems(preds.map((p) => p.file));
        for (const [i, p] of preds.entries()) await writePhotoJson(run, out, stems[i], bundle, results[i], p);
      }
    } else
      results = await screenAndExplain(bundle, photos, {
        out: out!,
        mode,
        cache: cache.cache,
        reference,
        topN,
        admit,
        run,
      });
  } finally {
    cache.close();
  }
  const info = run.info(bundle);
  if (out)
    await run.write(
      join(out, 'screen.json'),
      JSON.stringify(
        {
          disclaimer: bundle.metadata.disclaimer,
          model: {
            name: bundle.metadata.name,
            version: bundle.metadata.version,
            intendedUse: bundle.metadata.intendedUse,
          },
          run: info,
          results,
        },
        null,
        2,
      ) + '\n',
    );
  return { results, bundle, files: run.files, notes: run.notes, run: info };
}

/**
 * Scores and explains photo by photo, each decoded and analysed once (screen-photo.ts), writing
 * each photo's figures and JSON as soon as it is done.
 */
async function screenAndExplain(
  bundle: Bundle,
  photos: readonly PhotoInput[],
  options: {
    out: string;
    mode: Exclude<ScreenExplanation, 'none'>;
    cache?: FeatureCache;
    reference: ReferenceGroup;
    topN: number;
    admit: readonly QualityStatus[];
    run: Run;
  },
): Promise<ScreenResult[]> {
  const { run, out } = options;
  const explainers = await run.timed('load', () =>
    createScreenExplainers(bundle, options.mode === 'regions' ? 'none' : options.mode, options.admit),
  );
  const stems = uniqueStems(photos.map((p) => p.file));
  const hashes: (string | undefined)[] = photos.map(() => undefined);
  const results: ScreenResult[] = [];
  try {
    for (const [i, photo] of photos.entries()) {
      run.checkCancelled();
      const screened = await screenPhoto(photo, {
        bundle,
        explainers,
        cache: options.cache,
        admit: options.admit,
        reference: options.reference,
        topN: options.topN,
        timed: run.timed,
      });
      hashes[i] = screened.sha256;
      const { result } = screened;
      for (const { screen, explanation } of screened.explanations) {
        const figures = await explanationFigures(explanation);
        const regions = await run.write(
          join(out, 'photos', `${stems[i]}.${screen}.regions.png`),
          figures.regions,
        );
        result.figures[screen] = { regions };
        if (figures.heatmap)
          result.figures[screen].heatmap = await run.write(
            join(out, 'photos', `${stems[i]}.${screen}.heatmap.png`),
            figures.heatmap,
          );
      }
      await writePhotoJson(run, out, stems[i], bundle, result, screened.prediction);
      results.push(result);
      run.progress('screen', i + 1, photos.length, photo.file);
    }
  } finally {
    await Promise.all(explainers.map((e) => e.dispose()));
  }
  const sameBytes = sameContentNote(
    photos.map((p) => p.file),
    hashes,
  );
  if (sameBytes) run.note(sameBytes);
  return results;
}

async function writePhotoJson(
  run: Run,
  out: string,
  stem: string,
  bundle: Bundle,
  result: ScreenResult,
  p: PhotoPrediction,
): Promise<void> {
  await run.write(
    join(out, 'photos', `${stem}.json`),
    JSON.stringify({ disclaimer: bundle.metadata.disclaimer, ...result, normative: p.normative }, null, 2) +
      '\n',
  );
}
