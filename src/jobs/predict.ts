/**
 * The `predict` job: scores photos with a model bundle and, on request, writes the predictions file
 * (`data/predictions.ts`: the input of `evaluate` when the photos are labelled).
 */
import { realpath, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { EndofaceError } from '../core/index.js';
import { predictionsCsv, readablePhotos, resolvePhotoInputs, type PhotoInput } from '../data/index.js';
import type { QualityStatus } from '../face/index.js';
import { extractFeatureBatch, type FaceFeatures, type FeatureCache } from '../features/index.js';
import { IMAGE_EXTENSIONS, prepareOutputDir, sameContentNote } from '../io/index.js';
import { bundleFeatureSets, type Bundle, type ScreenMetadata } from '../model/index.js';
import { openBundle, openCacheOf, type CacheRequest, type ModelRequest } from './resources.js';
import {
  admitFeatures,
  checkAdmit,
  DEFAULT_ADMIT,
  checkReferenceGroup,
  needsSexAgeEstimate,
  pendingPrediction,
  scoreAdmitted,
  type PhotoPrediction,
  type ReferenceGroup,
} from './photo-scores.js';
import { startRun, type JobContext, type JobOutput, type Run } from './run.js';

export type { PhotoPrediction } from './photo-scores.js';

export interface PredictRequest extends ModelRequest, CacheRequest, ReferenceGroup {
  /** Photos, folders, or CSV manifests (`file[,subject_id,label,sex,age,…]`). */
  inputs: readonly string[];
  /** Write the predictions file here (one row per photo). */
  csv?: string;
  /** Worker threads for feature extraction (0 = this thread). Default 0. */
  workers?: number;
  /** Quality statuses that are scored. Default pass and warn. */
  admit?: readonly QualityStatus[];
}

export interface PredictResult extends JobOutput {
  predictions: PhotoPrediction[];
  bundle: Bundle;
}

/**
 * Scores photos: each screen's calibrated probability and its decision at the bundle's threshold,
 * and the normative score (the face's deviation from normal faces of its sex and age band: per field
 * the request's, else the manifest's, else the face network's estimate; `referenceGroup` says which). Photos that cannot be scored (unreadable, no face,
 * quality not admitted) are listed in place with the reason. Everything that can be refused (the
 * bundle, the inputs, the CSV path) is checked before the first photo.
 */
export async function runPredict(request: PredictRequest, context: JobContext = {}): Promise<PredictResult> {
  const run = startRun(context);
  const reference = checkReferenceGroup({ sex: request.sex, age: request.age });
  const admit = checkAdmit(request.admit);
  const bundle = await run.timed('load', () => openBundle(request.model));
  const resolved = await resolvePhotoInputs(request.inputs);
  for (const note of resolved.notes) run.note(note);
  if (request.csv) {
    const replaced = await prepareCsvPath(request.csv, request.inputs);
    if (replaced) run.note(replaced);
  }
  const cache = openCacheOf(request.cache);
  try {
    const predictions = await predictPhotos(bundle, resolved.photos, {
      cache: cache.cache,
      workers: run.workers(request.workers, 0),
      admit,
      reference,
      run,
    });
    if (request.csv) await run.write(request.csv, predictionsFile(predictions, bundle.metadata.screens));
    return { predictions, bundle, files: run.files, notes: run.notes, run: run.info(bundle) };
  } finally {
    cache.close();
  }
}

/** Extracts the features of every readable photo (in batch, cached) and scores those admitted. */
export async function predictPhotos(
  bundle: Bundle,
  photos: readonly PhotoInput[],
  options: {
    cache?: FeatureCache;
    workers?: number;
    admit?: readonly QualityStatus[];
    reference?: ReferenceGroup;
    run: Run;
  },
): Promise<PhotoPrediction[]> {
  const { run } = options;
  const admit = options.admit ?? DEFAULT_ADMIT;
  const predictions = photos.map(pendingPrediction);
  const readable = readablePhotos(photos);
  const admitted: { index: number; prediction: PhotoPrediction; features: FaceFeatures }[] = [];
  const hashes: (string | undefined)[] = photos.map(() => undefined);
  let done = 0;
  await run.timed('features', async () => {
    for await (const o of extractFeatureBatch(
      readable.map((r) => r.photo.file),
      {
        sets: bundleFeatureSets(bundle),
        sexAge: needsSexAgeEstimate(bundle, photos, options.reference ?? {}),
        cache: options.cache,
        workers: options.workers,
      },
    )) {
      run.checkCancelled();
      const index = readable[o.index].index;
      run.progress('features', ++done, readable.length, o.file);
      if (o.ok) hashes[index] = o.features.sha256;
      if (admitFeatures(predictions[index], o, admit) && o.ok)
        admitted.push({ index, prediction: predictions[index], features: o.features });
    }
  });
  const sameBytes = sameContentNote(
    photos.map((p) => p.file),
    hashes,
  );
  if (sameBytes) run.note(sameBytes);
  admitted.sort((a, b) => a.index - b.index);
  await run.timed('scores', async () => scoreAdmitted(bundle, admitted, options.reference));
  return predictions;
}

/** One row per photo: the predictions format, then the bundle's screens, quality and normative columns. */
function predictionsFile(preds: readonly PhotoPrediction[], screens: readonly ScreenMetadata[]): string {
  // `label`/`score` follow the evaluate format when the bundle has one binary screen.
  const binary = screens.length === 1 && screens[0].classes.length === 2 ? screens[0] : undefined;
  const columns = [
    'scored',
    'admitted_despite_quality',
    'not_scored_reason',
    'quality',
    'quality_reasons',
    'warnings',
  ];
  for (const s of screens) columns.push(`${s.name}_probability`, `${s.name}_decision`, `${s.name}_withheld`);
  const hasNormative = preds.some((p) => p.normative);
  if (hasNormative)
    columns.push(
      'normative_cushing_percentile',
      'normative_acromegaly_percentile',
      'normative_reference',
      'reference_sex',
      'reference_sex_from',
      'reference_age',
      'reference_age_from',
      'top_region',
    );
  const rows = preds.map((p) => {
    const row: Record<string, unknown> = {
      image: p.file,
      subject: p.subject,
      label:
        binary && p.label !== undefined && binary.classes.includes(p.label)
          ? binary.classes.indexOf(p.label)
          : p.label,
      score: binary ? p.screens[binary.name]?.probability : undefined,
      scored: p.scored,
      admitted_despite_quality: p.admittedDespite?.reasons.join(' '),
      not_scored_reason: p.notScored?.code,
      quality: p.quality?.status ?? 'error',
      quality_reasons: p.quality?.reasons.map((r) => `${r.code}:${r.severity}`).join(' '),
      warnings: p.warnings?.map((w) => w.message).join('; '),
    };
    for (const s of screens) {
      const sp = p.screens[s.name];
      row[`${s.name}_probability`] = sp?.probability ?? (sp ? JSON.stringify(sp.probabilities) : undefined);
      row[`${s.name}_decision`] = sp?.decision;
      row[`${s.name}_withheld`] = p.withheld?.[s.name]?.message;
    }
    if (p.normative) {
      row.normative_cushing_percentile = p.normative.conditions.cushing.percentile;
      row.normative_acromegaly_percentile = p.normative.conditions.acromegaly.percentile;
      row.normative_reference = `${p.normative.reference.stratum} (n=${p.normative.reference.n})`;
      // Where the sex and age choosing the reference came from: request, manifest, estimated, none.
      row.reference_sex = p.referenceGroup?.sex;
      row.reference_sex_from = p.referenceGroup?.sexFrom;
      row.reference_age = p.referenceGroup?.age;
      row.reference_age_from = p.referenceGroup?.ageFrom;
      row.top_region = [...p.normative.regions].sort((a, b) => (b.percentile || 0) - (a.percentile || 0))[0]
        ?.region;
    }
    return row;
  });
  return predictionsCsv(rows, { columns, score: binary !== undefined });
}

/**
 * Checks the predictions file's path before any scoring: its folder is created (or refused with
 * `output_not_writable` naming the file in the way), the path must not be a folder, nor one of the
 * inputs or a photo (the run would write over what it reads). Returns a note when it replaces a file.
 */
async function prepareCsvPath(csv: string, inputs: readonly string[]): Promise<string | undefined> {
  const refuse = (why: string): never => {
    throw new EndofaceError('output_not_writable', `csv ${csv} ${why}; give another file name`, {
      parameter: 'csv',
      value: csv,
    });
  };
  const real = (p: string) => realpath(p).catch(() => resolve(p));
  const target = await real(csv);
  for (const input of inputs) if ((await real(input)) === target) refuse('is one of the inputs');
  if (IMAGE_EXTENSIONS.includes(extname(csv).toLowerCase())) refuse('has a photo’s ending');
  await prepareOutputDir(dirname(resolve(csv)));
  const existing = await stat(csv).catch(() => undefined);
  if (existing?.isDirectory()) refuse('is a folder');
  return existing ? `csv ${csv} exists: it is replaced` : undefined;
}
