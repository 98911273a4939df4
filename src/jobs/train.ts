/**
 * The `train` job: a screen trained on a cohort with nested subject-grouped cross-validation, written
 * as a model bundle with its out-of-fold predictions (the input of `evaluate`) and training report.
 */
import { relative, join } from 'node:path';
import { EndofaceError, SOFTWARE_VERSION, type ReasonCode } from '../core/index.js';
import { loadDataset, predictionsCsv, type DatasetItem } from '../data/index.js';
import { QUALITY_STATUSES, type QualityStatus } from '../face/index.js';
import {
  extractFeatureBatch,
  extractorVersions,
  FEATURE_SET_NAMES,
  type FaceFeatures,
  type FeatureSetName,
} from '../features/index.js';
import {
  DISCLAIMER,
  featureMatrix,
  matrixColumns,
  SCREEN_ESTIMATORS,
  trainingDataHash,
  trainScreen,
  type BundleMetadata,
  type ScreenEstimator,
  type ScreenMetadata,
  type TrainedScreen,
} from '../model/index.js';
import {
  aggregateBySubject,
  delongCi,
  rocAucScore,
  thresholdMetrics,
  youdenThreshold,
} from '../stats/index.js';
import { lookUpOption } from '../util/index.js';
import { prepareBundleDir, saveOrRescue } from './bundle-write.js';
import { openCacheOf, type CacheRequest } from './resources.js';
import { startRun, type JobContext, type JobOutput } from './run.js';

export interface TrainRequest extends CacheRequest {
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
  admit?: readonly QualityStatus[];
  /** Worker threads for feature extraction. Default 2. */
  workers?: number;
  /** Replace a bundle already in `out`. */
  overwrite?: boolean;
  /** Data licences and sources to record in the bundle. */
  sources?: BundleMetadata['trainingData']['sources'];
}

/**
 * Why a photo was left out of training: its reason code (`file_not_found`, `corrupt_image`, `no_face`,
 * …), and for a quality status not admitted the status and its reasons
 * (`quality_rejected:reject:blurry+face_cut_off`).
 */
export type ExclusionReason = ReasonCode | `quality_rejected:${QualityStatus}:${string}`;

/** Who was ingested, who was excluded and why, who was analysed (TRIPOD+AI / STARD participant flow). */
export interface ParticipantFlow {
  listed: number;
  otherLabels: Record<string, number>;
  ingested: number;
  excluded: Partial<Record<ExclusionReason, number>>;
  analysed: { photos: number; subjects: number; byLabel: Record<string, number> };
}

export interface TrainResult extends JobOutput {
  bundleDir: string;
  flow: ParticipantFlow;
  screen: ScreenMetadata;
  cv: TrainedScreen['cv'];
  warnings: string[];
}

export const DEFAULT_FEATURE_SETS: FeatureSetName[] = ['faceres', 'morphometrics', 'colour'];

/**
 * Trains a screen on a cohort and writes a model bundle: loads the dataset, extracts features
 * (cached), excludes photos that fail quality (recorded by reason), runs nested subject-grouped
 * cross-validation, chooses the operating threshold on the out-of-fold predictions (Youden), and
 * saves the pipeline, the out-of-fold predictions (`oof-predictions.csv`, the input of `evaluate`)
 * and metadata with the metrics' confidence intervals.
 */
export async function runTrain(options: TrainRequest, context: JobContext = {}): Promise<TrainResult> {
  const run = startRun(context);
  const classes =
    options.classes ?? [options.negative, options.positive].filter((c): c is string => Boolean(c));
  if (classes.length < 2) {
    throw new EndofaceError(
      'invalid_option',
      'give the `positive` and `negative` labels of a binary screen, or the `classes` of a multi-class model',
      { parameter: ['positive', 'negative', 'classes'] },
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
  const excluded: ParticipantFlow['excluded'] = {};
  const exclude = (reason: ExclusionReason): void => void (excluded[reason] = (excluded[reason] ?? 0) + 1);
  const kept: { item: DatasetItem; features: FaceFeatures }[] = [];
  let done = 0;
  const cache = openCacheOf(options.cache);
  try {
    await run.timed('features', async () => {
      for await (const o of extractFeatureBatch(
        items.map((i) => i.file),
        { sets: featureSets, cache: cache.cache, workers: run.workers(options.workers, 2) },
      )) {
        run.checkCancelled();
        run.progress('features', ++done, items.length, o.file);
        if (!o.ok) exclude(o.error.code);
        else if (o.features.faceCount === 0) exclude('no_face');
        else if (!admit.includes(o.features.quality.status)) {
          exclude(
            `quality_rejected:${o.features.quality.status}:${o.features.quality.reasons
              .filter((r) => r.severity === o.features.quality.status)
              .map((r) => r.code)
              .join('+')}`,
          );
        } else kept.push({ item: items[o.index], features: o.features });
      }
    });
  } finally {
    cache.close();
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
    onProgress: (stage, d, t) => run.progress(`cross-validation: ${stage}`, d, t),
  });

  // Out-of-fold metrics and the operating threshold (binary screens).
  const warnings = dataset.warnings.map((w) => `${w.code}: ${w.message}`);
  const metrics: ScreenMetadata['metrics'] = {};
  let threshold = { value: 0.5, rule: 'argmax of class probabilities' };
  const oofRows = trained.oof.map((p) => {
    const k = kept[p.index];
    return {
      ...k.item.covariates,
      // Relative to the bundle, not the shell's folder: the file reads the same from anywhere.
      image: relative(options.out, k.item.file),
      subject: k.item.subjectId,
      label: classes.length === 2 ? p.label : k.item.label,
      score: classes.length === 2 ? p.probability : undefined,
      ...Object.fromEntries(classes.map((c, i) => [`p_${c}`, p.probabilities[i]])),
      fold: p.fold,
      quality: k.features.quality.status,
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
      excluded: excluded as Record<string, number>,
    },
    screens: [screen],
    createdAt: new Date().toISOString(),
    softwareVersion: SOFTWARE_VERSION,
    files: {},
  };
  const bundle = { metadata, screens: { [options.task]: trained.model } };
  for (const file of await saveOrRescue(options.out, bundle, options.overwrite)) run.files.push(file);
  const covariateCols = dataset.covariates.filter((c) => !['fold', 'quality'].includes(c));
  await run.write(
    join(options.out, 'oof-predictions.csv'),
    predictionsCsv(oofRows, {
      score: classes.length === 2,
      columns: [
        ...(classes.length === 2 ? [] : classes.map((c) => `p_${c}`)),
        'fold',
        'quality',
        ...covariateCols,
      ],
    }),
  );
  const info = run.info({ ...bundle, sha256: undefined });
  await run.write(
    join(options.out, 'training-report.json'),
    JSON.stringify({ flow, cv: trained.cv, warnings, screen, run: info }, null, 2) + '\n',
  );
  return {
    bundleDir: options.out,
    flow,
    screen,
    cv: trained.cv,
    warnings,
    files: run.files,
    notes: run.notes,
    run: info,
  };
}
