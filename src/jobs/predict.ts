import { extname } from 'node:path';
import { loadDataset } from '../data/index.js';
import {
  extractFeatureBatch,
  type FaceFeatures,
  type FeatureCache,
  type FeatureSetName,
} from '../features/index.js';
import type { QualityVerdict } from '../face/index.js';
import { collectImageFiles, collectionNotes, sameContentNote } from '../io/files.js';
import { loadBundle, type Bundle } from '../model/bundle.js';
import { featureMatrix, matrixColumns } from '../model/feature-matrix.js';
import { assessNormative, readSexAge, type CovariateWarning, type NormativeAssessment } from '../model/normative.js';
import { checkMissingFeatures, decisionRule, type MissingFeatureCheck } from '../model/missing-features.js';
import { alignColumns } from '../model/pipeline.js';
import { loadPipeline, predictProbaWithPipeline } from '../model/screen.js';

export interface ScreenPrediction {
  /** Binary screens: calibrated probability of the positive class. */
  probability?: number;
  /** Every class's probability. */
  probabilities: Record<string, number>;
  /** The positive label when probability ≥ threshold, else the negative (multi-class: the most probable). */
  decision: string;
  threshold: number;
  /** When some of the screen's features were missing on this photo and filled with training means. */
  missingFeatures?: MissingFeatureCheck;
}

/** A screen's result withheld on one photo, and why. */
export interface WithheldScreen {
  code: 'features_missing';
  message: string;
  missingFeatures: MissingFeatureCheck;
}

export interface PhotoPrediction {
  file: string;
  subject?: string;
  label?: string;
  covariates: Record<string, string>;
  quality?: QualityVerdict;
  faceCount: number;
  /** Scored, or why not (quality reject, no face, unreadable). */
  scored: boolean;
  notScoredReason?: string;
  screens: Record<string, ScreenPrediction>;
  /** Screens not reported for this photo because their decision hinges on missing features. */
  withheld?: Record<string, WithheldScreen>;
  normative?: NormativeAssessment;
  /** Manifest values the normative reference could not use (sex, age), and what was done instead. */
  warnings?: CovariateWarning[];
  error?: { code: string; message: string };
}

export interface PredictOptions {
  /** A bundle directory or a loaded bundle. */
  model: string | Bundle;
  /** Photos, folders, or a CSV manifest (`file[,subject_id,label,sex,age,…]`). */
  inputs: readonly string[];
  cache?: FeatureCache;
  workers?: number;
  /** Quality statuses that are scored. Default pass and warn. */
  admit?: ('pass' | 'warn' | 'reject')[];
  /** Folders never searched for photos: where the run writes its figures. */
  exclude?: readonly string[];
  /** Told what the run passed over (an earlier run's figure folders below the inputs). */
  onNote?: (message: string) => void;
  onProgress?: (done: number, total: number) => void;
}

interface Target {
  file: string;
  subject?: string;
  label?: string;
  covariates: Record<string, string>;
  /** Why a named input gave no photo (absent, a folder that cannot be read): listed, not read. */
  problem?: { code: string; message: string };
}

/**
 * The photos to score, in the order of the inputs (a manifest's rows in its order). A missing file
 * stays a target, listed in place: a manifest's fails when read (`file_not_found`), a named one
 * carries its reason from the folder walk.
 */
async function resolveTargets(
  inputs: readonly string[],
  exclude: readonly string[] = [],
  onNote: (message: string) => void = () => {},
): Promise<Target[]> {
  const out: Target[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    if (extname(input).toLowerCase() === '.csv') {
      const ds = await loadDataset(input, { requireLabel: false, missingFiles: 'skip' });
      const rows = [...ds.items, ...ds.missing].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      for (const it of rows)
        out.push({ file: it.file, subject: it.subjectId, label: it.label, covariates: it.covariates });
      continue;
    }
    const collected = await collectImageFiles([input], { exclude });
    const { files, missing } = collected;
    for (const note of collectionNotes(collected)) onNote(note);
    for (const m of missing)
      out.push({ file: m.path, covariates: {}, problem: { code: m.reason, message: m.message } });
    // A photo met twice (a folder and a file in it) is scored once.
    for (const file of files.filter((f) => !seen.has(f))) {
      seen.add(file);
      out.push({ file, covariates: {} });
    }
  }
  return out;
}

/**
 * Scores photos with a model bundle: each screen's calibrated probability and its decision at the
 * bundle's threshold, and, when the bundle has a normative model, the face's deviation from normal
 * faces of its sex and age band (from the manifest's `sex` and `age` columns when given). Photos
 * that fail quality (and photos without a face or unreadable) are listed with the reason, not scored.
 */
export async function predictPhotos(options: PredictOptions): Promise<PhotoPrediction[]> {
  const bundle = typeof options.model === 'string' ? await loadBundle(options.model) : options.model;
  const admit = options.admit ?? ['pass', 'warn'];
  const targets = await resolveTargets(options.inputs, options.exclude, options.onNote);
  const sets = new Set<FeatureSetName>();
  for (const s of bundle.metadata.screens) for (const f of s.featureSets) sets.add(f);
  if (bundle.normative) {
    sets.add('morphometrics');
    sets.add('colour');
    if (bundle.normative.descriptor) sets.add(bundle.normative.descriptor.set);
  }
  const results: PhotoPrediction[] = targets.map(({ problem, ...t }) => ({
    ...t,
    faceCount: 0,
    scored: false,
    screens: {},
    ...(problem ? { error: problem, notScoredReason: problem.code } : {}),
  }));
  // Inputs that gave no photo are listed in place, not read.
  const readable = targets.flatMap((t, i) => (t.problem ? [] : [i]));
  const scoredFeatures: { index: number; features: FaceFeatures }[] = [];
  const hashes: (string | undefined)[] = targets.map(() => undefined);
  let done = 0;
  for await (const batch of extractFeatureBatch(
    readable.map((i) => targets[i].file),
    { sets: [...sets], cache: options.cache, workers: options.workers },
  )) {
    options.onProgress?.(++done, readable.length);
    const o = { ...batch, index: readable[batch.index] };
    const r = results[o.index];
    if (!o.ok) {
      r.error = o.error;
      r.notScoredReason = o.error.code;
      continue;
    }
    hashes[o.index] = o.features.sha256;
    r.quality = o.features.quality;
    r.faceCount = o.features.faceCount;
    if (o.features.faceCount === 0) r.notScoredReason = 'no_face';
    else if (!admit.includes(o.features.quality.status)) {
      r.notScoredReason = `quality_${o.features.quality.status}: ${o.features.quality.reasons
        .filter((x) => x.severity === 'reject')
        .map((x) => x.code)
        .join(', ')}`;
    } else {
      // An infinite feature (a measurement divided by ~0) would make the batch refuse every photo: this one only.
      const bad = Object.entries(o.features.sets).find(([, v]) =>
        v?.some((x: number) => Math.abs(x) === Infinity),
      );
      if (bad) r.notScoredReason = `invalid_feature: ${bad[0]} has an infinite value on this photo`;
      else scoredFeatures.push({ index: o.index, features: o.features });
    }
  }
  const sameBytes = sameContentNote(
    targets.map((t) => t.file),
    hashes,
  );
  if (sameBytes) options.onNote?.(sameBytes);
  scoredFeatures.sort((a, b) => a.index - b.index);
  if (scoredFeatures.length === 0) return results;

  for (const screen of bundle.metadata.screens) {
    const pipeline = loadPipeline(bundle.screens[screen.name]);
    const X = alignColumns(
      featureMatrix(
        scoredFeatures.map((s) => s.features),
        screen.featureSets,
      ),
      matrixColumns(screen.featureSets),
      pipeline.columns,
    );
    // Through the checked entry point (infinite features were set aside above, photo by photo).
    const proba = predictProbaWithPipeline(pipeline, X, pipeline.columns);
    const binary = screen.classes.length === 2;
    const decide = decisionRule(screen);
    scoredFeatures.forEach((s, i) => {
      const row = X.data.subarray(i * X.cols, (i + 1) * X.cols);
      const q = proba.data.subarray(i * proba.cols, (i + 1) * proba.cols);
      const missingFeatures = checkMissingFeatures(pipeline, row, decide);
      const r = results[s.index];
      if (missingFeatures && !missingFeatures.stable) {
        r.withheld = {
          ...r.withheld,
          [screen.name]: withheldScreen(screen.name, missingFeatures, r, screen.threshold.value),
        };
        return;
      }
      r.screens[screen.name] = {
        probability: binary ? q[1] : undefined,
        probabilities: Object.fromEntries(screen.classes.map((c, k) => [c, q[k]])),
        decision: screen.classes[decide(q)],
        threshold: screen.threshold.value,
        ...(missingFeatures ? { missingFeatures } : {}),
      };
    });
  }
  if (bundle.normative) {
    for (const s of scoredFeatures) {
      const r = results[s.index];
      const { sex, age, warnings } = readSexAge(r.covariates);
      if (warnings.length > 0) r.warnings = warnings;
      r.normative = assessNormative(bundle.normative, {
        sex,
        age,
        morphometrics: s.features.sets.morphometrics!,
        colour: s.features.sets.colour!,
        descriptor: bundle.normative.descriptor
          ? s.features.sets[bundle.normative.descriptor.set]
          : undefined,
      });
    }
  }
  for (const s of scoredFeatures) results[s.index].scored = true;
  return results;
}

/** Why a screen's result is withheld: which features are missing and how much the decision hinges on them. */
function withheldScreen(
  screen: string,
  check: MissingFeatureCheck,
  photo: PhotoPrediction,
  threshold: number,
): WithheldScreen {
  const greyscale = photo.quality?.reasons.some((x) => x.code === 'greyscale')
    ? ' (a greyscale photo has no skin colour)'
    : '';
  const range = check.probabilityRange
    ? `: its probability spans ${check.probabilityRange[0].toFixed(2)}–${check.probabilityRange[1].toFixed(2)} around the threshold ${threshold.toFixed(2)}`
    : '';
  return {
    code: 'features_missing',
    message: `${screen} not scored: ${check.missing.length} of its features are missing${greyscale}, and filled with plausible values its decision changes in ${(100 * (1 - check.agreement)).toFixed(0)} % of fills${range}`,
    missingFeatures: check,
  };
}
