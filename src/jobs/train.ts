import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadDataset, type DatasetItem } from '../data/index.js';
import { EndofaceError, isEndofaceError } from '../core/errors.js';
import {
  extractFeatureBatch,
  FEATURE_SET_NAMES,
  extractorVersions,
  type FaceFeatures,
  type FeatureCache,
  type FeatureSetName,
} from '../features/index.js';
import { toCsv } from '../io/csv-write.js';
import {
  delongCi,
  rocAucScore,
  thresholdMetrics,
  youdenThreshold,
  aggregateBySubject,
} from '../stats/index.js';
import { SOFTWARE_VERSION } from '../core/version.js';
import { lookUpOption } from '../util/options.js';
import {
  DISCLAIMER,
  prepareBundleDir,
  saveBundle,
  type Bundle,
  trainingDataHash,
  type BundleMetadata,
  type ScreenMetadata,
} from '../model/bundle.js';
import { featureMatrix, matrixColumns } from '../model/feature-matrix.js';
import { SCREEN_ESTIMATORS, trainScreen, type ScreenEstimator, type TrainedScreen } from '../model/screen.js';
import { QUALITY_STATUSES } from '../face/index.js';

export interface TrainOptions {
  /** Manifest CSV or folder per class. */
  data: string;
  /** Screen name (e.g. `cushing`). */
  task: string;
  /** Binary screen: the positive and negative labels. */
  positive?: string;
  negative?: string;
  /** Multi-class model: the labels, in order (e.g. control, cushing, acromegaly). */
  classes?: string[];
  out: string;
  featureSets?: FeatureSetName[];
  estimator?: ScreenEstimator;
  outerFolds?: number;
  innerFolds?: number;
  seed?: number;
  /** Quality statuses admitted to training. Default pass and warn. */
  admit?: ('pass' | 'warn' | 'reject')[];
  cache?: FeatureCache;
  workers?: number;
  overwrite?: boolean;
  /** Data licences and sources to record in the bundle. */
  sources?: BundleMetadata['trainingData']['sources'];
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** Who was ingested, who was excluded and why, who was analysed (TRIPOD+AI / STARD participant flow). */
export interface ParticipantFlow {
  listed: number;
  otherLabels: Record<string, number>;
  ingested: number;
  excluded: Record<string, number>;
  analysed: { photos: number; subjects: number; byLabel: Record<string, number> };
}

export interface TrainResult {
  bundleDir: string;
  flow: ParticipantFlow;
  screen: ScreenMetadata;
  cv: TrainedScreen['cv'];
  warnings: string[];
}

/**
 * Saves the bundle; when that fails at the end of a long training (disk full, folder removed or
 * filled meanwhile), saves
 * it to a fresh temporary folder instead and says where, so the trained model is not lost.
 */
async function saveOrRescue(out: string, bundle: Bundle, overwrite?: boolean): Promise<void> {
  try {
    await saveBundle(out, bundle, { overwrite });
  } catch (e) {
    if (!isEndofaceError(e) || !['output_not_writable', 'bundle_exists'].includes(e.code)) throw e;
    const rescue = await mkdtemp(join(tmpdir(), 'endoface-bundle-'));
    try {
      await saveBundle(rescue, bundle, { overwrite: true });
    } catch (again) {
      // The first failure is the one to report; the rescue's is said beside it.
      await rm(rescue, { recursive: true, force: true });
      throw new EndofaceError(
        'output_not_writable',
        `${e.message}; saving the trained bundle to ${rescue} failed too: ${(again as Error).message}`,
        { ...e.details },
      );
    }
    throw new EndofaceError(
      'output_not_writable',
      `${e.message}; the trained bundle was saved to ${rescue}`,
      {
        ...e.details,
        rescued: rescue,
      },
    );
  }
}

export const DEFAULT_FEATURE_SETS: FeatureSetName[] = ['faceres', 'morphometrics', 'colour'];

/**
 * Trains a screen on a cohort and writes a model bundle: loads the dataset, extracts features
 * (cached), excludes photos that fail quality (recorded by reason), runs nested subject-grouped
 * cross-validation, chooses the operating threshold on the out-of-fold predictions (Youden), and
 * saves the pipeline, the out-of-fold predictions (`oof-predictions.csv`, the input of `evaluate`)
 * and metadata with the metrics' confidence intervals.
 */
export async function trainBundle(options: TrainOptions): Promise<TrainResult> {
  const classes =
    options.classes ?? [options.negative, options.positive].filter((c): c is string => Boolean(c));
  if (classes.length < 2) {
    throw new EndofaceError(
      'invalid_option',
      'give --positive and --negative labels, or --classes for a multi-class model',
      {},
    );
  }
  const featureSets = (options.featureSets ?? DEFAULT_FEATURE_SETS).map((f) =>
    lookUpOption('featureSets', f, FEATURE_SET_NAMES),
  );
  const admit = (options.admit ?? ['pass', 'warn']).map((a) => lookUpOption('admit', a, QUALITY_STATUSES));
  if (options.estimator !== undefined) lookUpOption('estimator', options.estimator, SCREEN_ESTIMATORS);
  // Before the feature extraction: a bundle that could not be written must not waste it.
  await prepareBundleDir(options.out, { overwrite: options.overwrite });
  const dataset = await loadDataset(options.data);
  const unknown = classes.filter((c) => !dataset.labels.includes(c));
  if (unknown.length > 0) {
    throw new EndofaceError(
      'manifest_unknown_label',
      `label "${unknown[0]}" does not occur in ${options.data} (labels: ${dataset.labels.join(', ')})`,
      { labels: dataset.labels },
    );
  }
  const items = dataset.items.filter((it) => classes.includes(it.label));
  const otherLabels: Record<string, number> = {};
  for (const it of dataset.items)
    if (!classes.includes(it.label)) otherLabels[it.label] = (otherLabels[it.label] ?? 0) + 1;

  // Features, with every exclusion counted by its reason.
  const excluded: Record<string, number> = {};
  const exclude = (reason: string): void => void (excluded[reason] = (excluded[reason] ?? 0) + 1);
  const kept: { item: DatasetItem; features: FaceFeatures }[] = [];
  let done = 0;
  for await (const o of extractFeatureBatch(
    items.map((i) => i.file),
    { sets: featureSets, cache: options.cache, workers: options.workers },
  )) {
    options.onProgress?.('features', ++done, items.length);
    if (!o.ok) exclude(`unreadable:${o.error.code}`);
    else if (o.features.faceCount === 0) exclude('no_face');
    else if (!admit.includes(o.features.quality.status)) {
      exclude(
        `quality_${o.features.quality.status}:${o.features.quality.reasons
          .filter((r) => r.severity === o.features.quality.status)
          .map((r) => r.code)
          .join('+')}`,
      );
    } else kept.push({ item: items[o.index], features: o.features });
  }
  kept.sort((a, b) => items.indexOf(a.item) - items.indexOf(b.item));
  const byLabel: Record<string, number> = {};
  for (const k of kept) byLabel[k.item.label] = (byLabel[k.item.label] ?? 0) + 1;
  for (const c of classes) {
    if (!byLabel[c])
      throw new EndofaceError('single_class', `no usable photo is labelled "${c}" after quality exclusions`, {
        excluded,
      });
  }

  // Nested CV. Each subject weighs the same, whatever its number of photos.
  const X = featureMatrix(
    kept.map((k) => k.features),
    featureSets,
  );
  const columns = matrixColumns(featureSets);
  const y = kept.map((k) => classes.indexOf(k.item.label));
  const groups = kept.map((k) => k.item.subjectId);
  const perSubject = new Map<string, number>();
  for (const g of groups) perSubject.set(g, (perSubject.get(g) ?? 0) + 1);
  const trained = trainScreen(X, y, groups, {
    columns,
    classes,
    estimator: options.estimator,
    outerFolds: options.outerFolds,
    innerFolds: options.innerFolds,
    seed: options.seed ?? 0,
    sampleWeight: groups.map((g) => 1 / perSubject.get(g)!),
    onProgress: (stage, d, t) => options.onProgress?.(`cv:${stage}`, d, t),
  });

  // Out-of-fold metrics and the operating threshold (binary screens).
  const warnings = dataset.warnings.map((w) => `${w.code}: ${w.message}`);
  const metrics: ScreenMetadata['metrics'] = {};
  let threshold = { value: 0.5, rule: 'argmax of class probabilities' };
  const oofRows = trained.oof.map((p) => {
    const k = kept[p.index];
    return {
      // Relative to the bundle, not the shell's folder: the file reads the same from anywhere.
      image: relative(options.out, k.item.file),
      subject: k.item.subjectId,
      label: classes.length === 2 ? p.label : k.item.label,
      score: classes.length === 2 ? p.probability : undefined,
      ...Object.fromEntries(classes.map((c, i) => [`p_${c}`, p.probabilities[i]])),
      fold: p.fold,
      quality: k.features.quality.status,
      ...k.item.covariates,
    };
  });
  if (classes.length === 2) {
    const yt = trained.oof.map((p) => p.label);
    const ys = trained.oof.map((p) => p.probability ?? NaN);
    const auc = delongCi(yt, ys);
    const oofGroups = trained.oof.map((p) => groups[p.index]);
    const op = youdenThreshold(yt, ys);
    threshold = { value: Math.min(1, op.threshold), rule: 'Youden optimum of the out-of-fold probabilities' };
    const at = thresholdMetrics(yt, ys, { threshold: threshold.value });
    metrics.auc = {
      estimate: auc.estimate,
      lower: auc.lower,
      upper: auc.upper,
      method: 'DeLong 95% CI, photo level, out-of-fold',
    };
    // Subject level: the mean of each subject's photo probabilities, per subject and label (a matched
    // design's phantom and control stay apart, as evaluate keeps them).
    const bySubject = aggregateBySubject(oofGroups, yt, ys, { method: 'mean', mixedLabels: 'split' });
    metrics.subjectAuc = rocAucScore(bySubject.label, bySubject.score);
    for (const k of ['sensitivity', 'specificity', 'ppv', 'npv', 'accuracy'] as const) {
      const m = at[k];
      if (m.estimate !== null)
        metrics[k] = {
          estimate: m.estimate,
          lower: m.lower,
          upper: m.upper,
          method: `Wilson 95% CI at threshold ${threshold.value.toFixed(4)}`,
        };
    }
  }
  const screen: ScreenMetadata = {
    name: options.task,
    classes,
    ...(classes.length === 2 ? { negative: classes[0], positive: classes[1] } : {}),
    featureSets,
    threshold,
    estimator: trained.cv.estimator,
    metrics,
    file: `screens/${options.task}.json`,
  };
  const flow: ParticipantFlow = {
    listed: dataset.items.length,
    otherLabels,
    ingested: items.length,
    excluded,
    analysed: { photos: kept.length, subjects: perSubject.size, byLabel },
  };
  const metadata: BundleMetadata = {
    schemaVersion: 1,
    name: options.task,
    version: '0.1.0',
    changelog: { '0.1.0': `trained by endoface ${SOFTWARE_VERSION}` },
    task:
      classes.length === 2
        ? `binary screen: ${classes[1]} vs ${classes[0]}`
        : `multi-class: ${classes.join(' / ')}`,
    description: `${trained.cv.estimator} over ${featureSets.join(' + ')} features; nested subject-grouped ${trained.cv.outerFolds}×${trained.cv.innerFolds} cross-validation; calibrated inside training folds.`,
    intendedUse:
      'Research on the cohort it was trained on and comparable photos. Not validated for clinical use.',
    disclaimer: DISCLAIMER,
    extractors: extractorVersions(),
    preprocessing: {
      alignment: 'similarity transform of 5 mesh anchors to a 224×224 canonical crop',
      quality: `admitted: ${admit.join(', ')}`,
    },
    trainingData: {
      description: `${dataset.kind} ${options.data}`,
      sources: options.sources ?? [{ name: options.data, licence: 'as stated by the data owner' }],
      photos: kept.length,
      subjects: perSubject.size,
      byLabel,
      hash: trainingDataHash(
        kept.map((k) => ({ sha256: k.features.sha256, subjectId: k.item.subjectId, label: k.item.label })),
      ),
      excluded,
    },
    screens: [screen],
    createdAt: new Date().toISOString(),
    softwareVersion: SOFTWARE_VERSION,
    files: {},
  };
  await saveOrRescue(
    options.out,
    { metadata, screens: { [options.task]: trained.model } },
    options.overwrite,
  );
  const covariateCols = dataset.covariates.filter(
    (c) => !['image', 'subject', 'label', 'score', 'fold', 'quality'].includes(c),
  );
  const cols = [
    'image',
    'subject',
    'label',
    ...(classes.length === 2 ? ['score'] : classes.map((c) => `p_${c}`)),
    'fold',
    'quality',
    ...covariateCols,
  ];
  await writeFile(join(options.out, 'oof-predictions.csv'), toCsv(cols, oofRows));
  await writeFile(
    join(options.out, 'training-report.json'),
    JSON.stringify({ flow, cv: trained.cv, warnings, screen }, null, 2) + '\n',
  );
  return { bundleDir: options.out, flow, screen, cv: trained.cv, warnings };
}
