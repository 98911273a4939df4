import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EndofaceError } from '../core/index.js';
import {
  analyzeFace,
  defaultFaceConfig,
  type FaceAnalysis,
  type FaceConfig,
  type Pose,
  type QualityVerdict,
} from '../face/index.js';
import { decodeImage, type DecodedImage, type ImageWarningCode } from '../image/index.js';
import { fileReadError } from '../io/index.js';
import { regionLabelMap } from '../face/index.js';
import { HUMAN_MODELS_PACKAGE, HUMAN_PACKAGE, packageVersion } from '../runtime/index.js';
import { mergeChecked, type DeepPartial } from '../util/index.js';
import type { FeatureCache } from '../io/index.js';
import { computeColourFeatures, COLOUR_FEATURE_NAMES, COLOUR_VERSION } from './colour.js';
import { COLOUR_LAYOUT_NAMES, COLOUR_LAYOUT_VERSION, computeColourLayout } from './colour-layout.js';
import {
  computeDescriptors,
  DESCRIPTOR_IDS,
  DESCRIPTOR_MODELS,
  descriptorVersion,
  type DescriptorId,
} from './descriptors.js';
import { computeMorphometrics, MORPHOMETRIC_NAMES, MORPHOMETRICS_VERSION } from './morphometrics.js';
import { estimateSexAge, sexAgeVersion, type SexAgeEstimate } from './sex-age.js';

/** The feature sets endoface extracts: shape (morphometrics), skin (colour) and deep descriptors. */
export type FeatureSetName = 'morphometrics' | 'colour' | 'colourmap' | DescriptorId;
export const FEATURE_SET_NAMES: readonly FeatureSetName[] = [
  'morphometrics',
  'colour',
  'colourmap',
  ...DESCRIPTOR_IDS,
];

/** Column names of a feature set, prefixed with the set (e.g. `morphometrics.noseWidthToInterocular`). */
export function featureNames(set: FeatureSetName): string[] {
  if (set === 'morphometrics') return MORPHOMETRIC_NAMES.map((n) => `morphometrics.${n}`);
  if (set === 'colour') return COLOUR_FEATURE_NAMES.map((n) => `colour.${n}`);
  if (set === 'colourmap') return COLOUR_LAYOUT_NAMES.map((n) => `colourmap.${n}`);
  return Array.from({ length: DESCRIPTOR_MODELS[set].dims }, (_, i) => `${set}.${i}`);
}

/** Version string of each extractor; stored in caches and model bundles, checked on load. */
export function extractorVersions(face: DeepPartial<FaceConfig> = {}): Record<string, string> {
  return {
    face: faceRecordVersion(face),
    morphometrics: MORPHOMETRICS_VERSION,
    colour: COLOUR_VERSION,
    colourmap: COLOUR_LAYOUT_VERSION,
    ...Object.fromEntries(DESCRIPTOR_IDS.map((id) => [id, descriptorVersion(id)])),
  };
}

/** The face record depends on the detector, the alignment and the quality thresholds. */
function faceRecordVersion(face: DeepPartial<FaceConfig>): string {
  const cfg = mergeChecked(defaultFaceConfig as FaceConfig, face);
  const hash = createHash('sha256').update(JSON.stringify(cfg)).digest('hex').slice(0, 12);
  return `face@1+${HUMAN_PACKAGE}@${packageVersion(HUMAN_PACKAGE)}+${HUMAN_MODELS_PACKAGE}@${packageVersion(HUMAN_MODELS_PACKAGE)}+config@${hash}`;
}

export interface FaceFeatures {
  sha256: string;
  file?: string;
  quality: QualityVerdict;
  faceCount: number;
  imageWarnings: ImageWarningCode[];
  pose?: Pose;
  /** One vector per requested set; absent when no face was found. NaN marks a missing value. */
  sets: Partial<Record<FeatureSetName, Float64Array>>;
  /** The face network's estimate of the face's sex and age, when requested (`sexAge`) and a face was found. */
  sexAge?: SexAgeEstimate;
  /** True when nothing had to be computed. */
  fromCache: boolean;
}

export interface ExtractOptions {
  sets: readonly FeatureSetName[];
  /** Also estimate the face's sex and age (sex-age.ts): free when `faceres` is among the sets. */
  sexAge?: boolean;
  cache?: FeatureCache;
  face?: DeepPartial<FaceConfig>;
}

interface FaceRecordMeta {
  quality: QualityVerdict;
  faceCount: number;
  imageWarnings: ImageWarningCode[];
  pose?: Pose;
}

const isDescriptor = (set: FeatureSetName): set is DescriptorId =>
  (DESCRIPTOR_IDS as readonly string[]).includes(set);

function computeSet(
  set: Exclude<FeatureSetName, DescriptorId>,
  a: FaceAnalysis,
  labels: () => Int8Array,
): Float64Array {
  if (set === 'morphometrics') return computeMorphometrics(a.primary!.meshPx, a.primary!.pose);
  const greyscale = a.imageWarnings.includes('greyscale');
  if (set === 'colourmap') return computeColourLayout(a.aligned!, { greyscale, labels: labels() });
  return computeColourFeatures(a.aligned!, { greyscale, labels: labels() });
}

/**
 * The image stage's version, in every cache key: when decoding changes what a photo yields (image@2:
 * a grey photo saved as RGB is greyscale, transparency is judged on the pixels; image@3: damaged
 * JPEG data and strips are refused), entries made before are not reused. Kept out of `extractorVersions`, which bundles record and check: a bundle
 * built before stays loadable, its training photos being colour photos that decode the same.
 */
const IMAGE_STAGE = 'image@3';

/**
 * The cache key of a photo's face record, of one feature set, or of the sex and age estimate (its
 * own entry, versioned by `sexAgeVersion`: it is not an extractor bundles record).
 */
function cacheKey(versions: Record<string, string>, set?: string): string {
  const what = set === undefined ? 'face' : set === SEX_AGE ? sexAgeVersion() : versions[set];
  return `${what}|${versions.face}|${IMAGE_STAGE}`;
}
const SEX_AGE = 'sexAge';

/** Feature sets of a photo found in the cache (all requested ones, and the estimate if requested), or undefined. */
export function lookupCachedFeatures(
  cache: FeatureCache,
  sha256: string,
  options: Pick<ExtractOptions, 'sets' | 'face' | 'sexAge'>,
  file?: string,
): FaceFeatures | undefined {
  const versions = extractorVersions(options.face);
  const hit = cache.get(sha256, cacheKey(versions));
  if (!hit) return undefined;
  const meta = hit.meta as FaceRecordMeta;
  const sets: FaceFeatures['sets'] = {};
  let sexAge: SexAgeEstimate | undefined;
  if (meta.faceCount > 0) {
    for (const set of options.sets) {
      const v = cache.get(sha256, cacheKey(versions, set));
      if (!v?.values) return undefined;
      sets[set] = v.values;
    }
    if (options.sexAge) {
      sexAge = cache.get(sha256, cacheKey(versions, SEX_AGE))?.meta as SexAgeEstimate | undefined;
      if (!sexAge) return undefined;
    }
  }
  return { sha256, file, ...meta, sets, ...(sexAge ? { sexAge } : {}), fromCache: true };
}

/** Stores a freshly computed result so the next run finds it. */
export function storeFeatures(
  cache: FeatureCache,
  f: FaceFeatures,
  face: DeepPartial<FaceConfig> = {},
): void {
  const versions = extractorVersions(face);
  const meta: FaceRecordMeta = {
    quality: f.quality,
    faceCount: f.faceCount,
    imageWarnings: f.imageWarnings,
    pose: f.pose,
  };
  cache.put(f.sha256, cacheKey(versions), { meta });
  for (const [set, values] of Object.entries(f.sets))
    cache.put(f.sha256, cacheKey(versions, set), { values });
  if (f.sexAge) cache.put(f.sha256, cacheKey(versions, SEX_AGE), { meta: f.sexAge });
}

/** Computes the feature sets of one photo (no cache): decode, detect, align, measure. */
export async function computeFeatures(
  bytes: Buffer,
  options: Pick<ExtractOptions, 'sets' | 'face' | 'sexAge'>,
  file?: string,
): Promise<FaceFeatures> {
  const { analysis } = await analysePhoto(bytes, file, options.face);
  return featuresOfAnalysis(analysis, options.sets, { sexAge: options.sexAge });
}

/**
 * Decodes a photo's bytes and analyses its face: errors name the file (not "image buffer"). A job
 * that also explains the photo keeps the result, so that the photo is decoded and analysed once.
 */
export async function analysePhoto(
  bytes: Buffer,
  file?: string,
  face?: DeepPartial<FaceConfig>,
): Promise<{ photo: DecodedImage; analysis: FaceAnalysis }> {
  const photo = await decodeImage(bytes, face?.image).catch((e: unknown) => {
    throw file ? namedAfter(e, file) : e;
  });
  photo.source.path = file;
  return { photo, analysis: await analyzeFace(photo, face) };
}

/**
 * The feature sets of a face already analysed (decoded, detected, aligned): what a job that also
 * explains the photo uses, so that the photo is analysed once. With `sexAge`, also the network's
 * sex and age estimate, from the `faceres` descriptor's own graph execution when that set is
 * requested (else from one execution of its own).
 */
export async function featuresOfAnalysis(
  a: FaceAnalysis,
  sets: readonly FeatureSetName[],
  options: Pick<ExtractOptions, 'sexAge'> = {},
): Promise<FaceFeatures> {
  const meta: FaceRecordMeta = {
    quality: a.quality,
    faceCount: a.faces.length,
    imageWarnings: a.imageWarnings,
    pose: a.primary?.pose,
  };
  const values: FaceFeatures['sets'] = {};
  let sexAge: SexAgeEstimate | undefined;
  if (a.primary && a.aligned) {
    // The region map is shared by the colour feature sets (it is the costly part of them).
    let labelMap: Int8Array | undefined;
    const aligned = a.aligned;
    const labels = (): Int8Array =>
      (labelMap ??= regionLabelMap(aligned.meshCrop, aligned.image.width, aligned.image.height));
    for (const set of sets) {
      if (set === 'faceres' && options.sexAge) {
        const r = await estimateSexAge([aligned.image], { descriptor: true });
        values[set] = Float64Array.from(r.descriptors![0]);
        sexAge = r.estimates[0];
        continue;
      }
      values[set] = isDescriptor(set)
        ? Float64Array.from((await computeDescriptors(set, [aligned.image]))[0])
        : computeSet(set, a, labels);
    }
    if (options.sexAge && !sets.includes('faceres'))
      sexAge = (await estimateSexAge([aligned.image])).estimates[0];
  }
  return {
    sha256: a.source.sha256,
    file: a.source.path,
    ...meta,
    sets: values,
    ...(sexAge ? { sexAge } : {}),
    fromCache: false,
  };
}

/** The image stage names bytes "image buffer": name the photo they were read from instead. */
function namedAfter(e: unknown, file: string): unknown {
  if (!(e instanceof EndofaceError) || !e.message.startsWith('image buffer')) return e;
  return new EndofaceError(e.code, file + e.message.slice('image buffer'.length), { ...e.details, file });
}

/**
 * A photo's bytes. A read that fails says why: `file_not_found` when the file is absent (or is a
 * folder), `file_not_readable` when it exists but cannot be read (permissions, an I/O error).
 */
export async function readPhotoBytes(input: string | Buffer): Promise<Buffer> {
  if (typeof input !== 'string') return input;
  return readFile(input).catch((e: unknown) => {
    throw fileReadError(e, input);
  });
}

/**
 * Extracts the requested feature sets of one photo's primary face. With a cache, a photo whose
 * sets were all computed before (same bytes, same extractor versions) is read back without decoding
 * it or running any model.
 *
 * Features are computed whenever a face was found, whatever the quality verdict: whether a `warn` or
 * `reject` photo is scored is the caller's policy (`quality` is returned with the features).
 */
export async function extractFeatures(
  input: string | Buffer,
  options: ExtractOptions,
): Promise<FaceFeatures> {
  const bytes = await readPhotoBytes(input);
  const file = typeof input === 'string' ? input : undefined;
  if (options.cache) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const hit = lookupCachedFeatures(options.cache, sha256, options, file);
    if (hit) return hit;
  }
  const f = await computeFeatures(bytes, options, file);
  if (options.cache) storeFeatures(options.cache, f, options.face);
  return f;
}
