import { extname } from 'node:path';
import { loadDataset } from '../data/index.js';
import {
  extractFeatureBatch,
  type FaceFeatures,
  type FeatureCache,
  type FeatureSetName,
} from '../features/index.js';
import type { QualityVerdict } from '../face/index.js';
import { collectImageFiles } from '../io/files.js';
import { loadBundle, type Bundle } from './bundle.js';
import { featureMatrix, matrixColumns } from './feature-matrix.js';
import { assessNormative, sexAgeOf, type NormativeAssessment } from './normative.js';
import { predictProbaWithPipeline } from './screen.js';

export interface ScreenPrediction {
  /** Binary screens: calibrated probability of the positive class. */
  probability?: number;
  /** Every class's probability. */
  probabilities: Record<string, number>;
  /** The positive label when probability ≥ threshold, else the negative (multi-class: the most probable). */
  decision: string;
  threshold: number;
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
  normative?: NormativeAssessment;
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
  onProgress?: (done: number, total: number) => void;
}

interface Target {
  file: string;
  subject?: string;
  label?: string;
  covariates: Record<string, string>;
}

async function resolveTargets(inputs: readonly string[]): Promise<Target[]> {
  const out: Target[] = [];
  const plain: string[] = [];
  for (const input of inputs) {
    if (extname(input).toLowerCase() === '.csv') {
      const ds = await loadDataset(input, { requireLabel: false });
      for (const it of ds.items)
        out.push({ file: it.file, subject: it.subjectId, label: it.label, covariates: it.covariates });
    } else plain.push(input);
  }
  const { files, missing } = await collectImageFiles(plain);
  for (const m of missing) out.push({ file: m.path, covariates: {} });
  for (const f of files) out.push({ file: f, covariates: {} });
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
  const targets = await resolveTargets(options.inputs);
  const sets = new Set<FeatureSetName>();
  for (const s of bundle.metadata.screens) for (const f of s.featureSets) sets.add(f);
  if (bundle.normative) {
    sets.add('morphometrics');
    sets.add('colour');
    if (bundle.normative.descriptor) sets.add(bundle.normative.descriptor.set);
  }
  const results: PhotoPrediction[] = targets.map((t) => ({ ...t, faceCount: 0, scored: false, screens: {} }));
  const scoredFeatures: { index: number; features: FaceFeatures }[] = [];
  let done = 0;
  for await (const o of extractFeatureBatch(
    targets.map((t) => t.file),
    { sets: [...sets], cache: options.cache, workers: options.workers },
  )) {
    options.onProgress?.(++done, targets.length);
    const r = results[o.index];
    if (!o.ok) {
      r.error = o.error;
      r.notScoredReason = o.error.code;
      continue;
    }
    r.quality = o.features.quality;
    r.faceCount = o.features.faceCount;
    if (o.features.faceCount === 0) r.notScoredReason = 'no_face';
    else if (!admit.includes(o.features.quality.status)) {
      r.notScoredReason = `quality_${o.features.quality.status}: ${o.features.quality.reasons
        .filter((x) => x.severity === 'reject')
        .map((x) => x.code)
        .join(', ')}`;
    } else scoredFeatures.push({ index: o.index, features: o.features });
  }
  scoredFeatures.sort((a, b) => a.index - b.index);
  if (scoredFeatures.length === 0) return results;

  for (const screen of bundle.metadata.screens) {
    const X = featureMatrix(
      scoredFeatures.map((s) => s.features),
      screen.featureSets,
    );
    const proba = predictProbaWithPipeline(bundle.screens[screen.name], X, matrixColumns(screen.featureSets));
    scoredFeatures.forEach((s, i) => {
      const p = Object.fromEntries(screen.classes.map((c, k) => [c, proba.data[i * proba.cols + k]]));
      let decision: string;
      let probability: number | undefined;
      if (screen.classes.length === 2) {
        probability = p[screen.classes[1]];
        decision = probability >= screen.threshold.value ? screen.classes[1] : screen.classes[0];
      } else decision = screen.classes.reduce((a, b) => (p[b] > p[a] ? b : a));
      results[s.index].screens[screen.name] = {
        probability,
        probabilities: p,
        decision,
        threshold: screen.threshold.value,
      };
    });
  }
  if (bundle.normative) {
    for (const s of scoredFeatures) {
      const r = results[s.index];
      r.normative = assessNormative(bundle.normative, {
        ...sexAgeOf(r.covariates),
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
