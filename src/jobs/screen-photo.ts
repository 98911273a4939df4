/**
 * Screening one photo from start to end, as the screen job and the `createScreener` facade both do:
 * decoded and analysed once, that one analysis gives the features (unless cached), the scores and
 * every screen's explanation.
 */
import { createHash } from 'node:crypto';
import { isEndofaceError, type Reason } from '../core/index.js';
import type { PhotoInput } from '../data/index.js';
import type { QualityStatus } from '../face/index.js';
import { createExplainer, type AnalysedPhoto, type Explainer, type ExplainResult } from '../explain/index.js';
import {
  analysePhoto,
  featuresOfAnalysis,
  lookupCachedFeatures,
  readPhotoBytes,
  storeFeatures,
  type FaceFeatures,
  type FeatureCache,
} from '../features/index.js';
import { bundleFeatureSets, type Bundle } from '../model/index.js';
import {
  admitFeatures,
  DEFAULT_ADMIT,
  needsSexAgeEstimate,
  pendingPrediction,
  scoreAdmitted,
  type PhotoPrediction,
  type ReferenceGroup,
} from './photo-scores.js';
import { toResult, type ScreenResult } from './screen-result.js';

/** The explainers of a bundle's binary screens (region attribution, plus a heatmap on request). */
export function createScreenExplainers(
  bundle: Bundle,
  heatmap: 'none' | 'coarse' | 'fine',
  admit: readonly QualityStatus[] = DEFAULT_ADMIT,
): Promise<Explainer[]> {
  return Promise.all(
    bundle.metadata.screens
      .filter((s) => s.classes.length === 2)
      .map((s) =>
        createExplainer({
          model: bundle,
          screen: s.name,
          heatmap,
          saliency: false,
          sanity: false,
          workers: 0,
          admit: [...admit],
        }),
      ),
  );
}

type FeatureOutcome =
  { ok: true; features: FaceFeatures; analysed?: AnalysedPhoto } | { ok: false; error: Reason };

/**
 * A photo's features: from the cache when all are there (no analysis then: an explainer makes its
 * own), else from one decode and analysis, returned for the explainers.
 */
async function photoFeatures(
  input: string | Buffer,
  bundle: Bundle,
  sexAge: boolean,
  cache?: FeatureCache,
): Promise<FeatureOutcome> {
  const file = typeof input === 'string' ? input : undefined;
  try {
    const sets = bundleFeatureSets(bundle);
    const bytes = await readPhotoBytes(input);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const hit = cache ? lookupCachedFeatures(cache, sha256, { sets, sexAge }, file) : undefined;
    if (hit) return { ok: true, features: hit };
    const analysed = await analysePhoto(bytes, file);
    const features = await featuresOfAnalysis(analysed.analysis, sets, { sexAge });
    if (cache) storeFeatures(cache, features);
    return { ok: true, features, analysed };
  } catch (e) {
    if (!isEndofaceError(e)) throw e;
    return { ok: false, error: { code: e.code, message: e.message } };
  }
}

export interface ScreenedPhoto {
  prediction: PhotoPrediction;
  result: ScreenResult;
  /** Each explained screen's explanation (with the face and photo its figures are drawn from). */
  explanations: { screen: string; explanation: ExplainResult }[];
  /** SHA-256 of the photo's bytes, when it could be read. */
  sha256?: string;
}

export interface ScreenPhotoOptions {
  bundle: Bundle;
  /** Quality statuses scored (default pass and warn); the explainers must admit the same. */
  admit?: readonly QualityStatus[];
  explainers: readonly Explainer[];
  cache?: FeatureCache;
  reference: ReferenceGroup;
  topN: number;
  /** Adds each stage's time to the run's (features, scores, explain). */
  timed?: <T>(stage: string, work: () => Promise<T>) => Promise<T>;
}

/** Screens one photo (a resolved input, or bytes): scores, then every screen's drivers. */
export async function screenPhoto(
  photo: PhotoInput | { bytes: Buffer; file?: string },
  options: ScreenPhotoOptions,
): Promise<ScreenedPhoto> {
  const { bundle, topN } = options;
  const timed = options.timed ?? (<T>(_: string, work: () => Promise<T>) => work());
  const input: PhotoInput =
    'bytes' in photo ? { file: photo.file ?? '', covariates: {}, origin: 'bytes' } : photo;
  const p = pendingPrediction(input);
  let analysed: AnalysedPhoto | undefined;
  let sha256: string | undefined;
  if (!input.problem) {
    const sexAge = needsSexAgeEstimate(bundle, [input], options.reference);
    const found = await timed('features', () =>
      photoFeatures('bytes' in photo ? photo.bytes : photo.file, bundle, sexAge, options.cache),
    );
    if (found.ok) sha256 = found.features.sha256;
    if (admitFeatures(p, found, options.admit ?? DEFAULT_ADMIT) && found.ok) {
      analysed = found.analysed;
      await timed('scores', async () =>
        scoreAdmitted(bundle, [{ prediction: p, features: found.features }], options.reference),
      );
    }
  }
  const result = toResult(p, topN);
  const explanations: ScreenedPhoto['explanations'] = [];
  if (p.scored) {
    // The reference group the scores were given against (request > manifest > estimate).
    const covariates = { sex: p.referenceGroup?.sex, age: p.referenceGroup?.age };
    for (const ex of options.explainers) {
      const name = ex.target.screen.name;
      // A withheld score is not a finding: there is nothing to explain.
      if (p.withheld?.[name]) continue;
      const source = analysed ?? ('bytes' in photo ? photo.bytes : photo.file);
      const r = await timed('explain', () => ex.explain(source, covariates));
      result.drivers[name] = r.explanation.regions.regions
        .slice(0, topN)
        .map((x) => ({ region: x.region, label: x.label, importance: x.importance }));
      result.driverLead[name] = r.explanation.regions.lead;
      result.driverMethod[name] = r.explanation.masking.regionMethod;
      explanations.push({ screen: name, explanation: r });
    }
  }
  return { prediction: p, result, explanations, ...(sha256 ? { sha256 } : {}) };
}
