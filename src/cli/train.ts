import { EndofaceError, isEndofaceError } from '../core/errors.js';
import { FEATURE_SET_NAMES } from '../features/index.js';
import { SCREEN_ESTIMATORS, trainBundle, type TrainOptions } from '../model/index.js';
import { lookUpOption } from '../util/options.js';
import { openCache } from '../jobs/cache.js';
import { createProgress } from './progress.js';
import { QUALITY_STATUSES } from '../face/index.js';

export interface TrainCliOptions {
  data: string;
  task: string;
  positive?: string;
  negative?: string;
  classes?: string;
  out: string;
  features: string;
  estimator: string;
  folds: string;
  innerFolds: string;
  seed: string;
  admit: string;
  cache?: string | boolean;
  workers: string;
  overwrite: boolean;
}

const list = (s: string | undefined): string[] | undefined =>
  s
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function invalid(parameter: string, value: unknown, message: string): EndofaceError {
  return new EndofaceError('invalid_option', message, { parameter, value });
}

/** A comma-separated list of allowed values, each checked (did-you-mean on a typo), none repeated. */
function checkedList<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = [...new Set(list(value))].map((x) => lookUpOption(flag, x, allowed));
  if (items.length === 0)
    throw invalid(flag, value, `${flag} is empty; give one or more of ${allowed.join(', ')}`);
  return items;
}

/** Cross-validation needs two folds at least: one to fit on, one to predict. */
function folds(flag: string, value: string): number {
  const k = Number(value);
  if (!(k >= 2)) throw invalid(flag, value, `${flag} must be 2 or more, got ${value}`);
  return k;
}

/**
 * Every option checked before any work (the feature extraction takes minutes on a real cohort),
 * with the CLI's own flag names in the messages.
 */
export function trainOptionsOf(opts: TrainCliOptions): Omit<TrainOptions, 'cache' | 'onProgress'> {
  if (opts.classes !== undefined && (opts.positive !== undefined || opts.negative !== undefined)) {
    throw invalid(
      '--classes',
      opts.classes,
      '--classes (a multi-class model) and --positive/--negative (a binary screen) exclude each other; give one or the other',
    );
  }
  return {
    data: opts.data,
    task: opts.task,
    positive: opts.positive,
    negative: opts.negative,
    classes: list(opts.classes),
    out: opts.out,
    featureSets: checkedList('--features', opts.features, FEATURE_SET_NAMES),
    estimator: lookUpOption('--estimator', opts.estimator, SCREEN_ESTIMATORS),
    outerFolds: folds('--folds', opts.folds),
    innerFolds: folds('--inner-folds', opts.innerFolds),
    seed: Number(opts.seed),
    admit: checkedList('--admit', opts.admit, QUALITY_STATUSES),
    workers: Number(opts.workers),
    overwrite: opts.overwrite,
  };
}

/** A class with fewer subjects than folds: say which flag to lower. */
function withFoldFlag(e: unknown): unknown {
  if (!isEndofaceError(e) || e.code !== 'too_few_subjects') return e;
  // Nested CV tags the CV whose split failed.
  const cv = e.details.cv;
  const flag = cv === 'outer' ? '--folds' : cv === 'inner' ? '--inner-folds' : undefined;
  return flag ? new EndofaceError(e.code, `${e.message}; lower ${flag}`, e.details) : e;
}

/** `endoface train`: parse, call trainBundle, print the participant flow and the out-of-fold metrics. */
export async function trainCommand(opts: TrainCliOptions): Promise<number> {
  const options = trainOptionsOf(opts);
  const cache = openCache(opts.cache);
  const progress = createProgress('train');
  try {
    const result = await trainBundle({
      ...options,
      cache,
      onProgress: (stage, done, total) => progress.update(done, total, stage),
    }).catch((e: unknown) => {
      throw withFoldFlag(e);
    });
    progress.done();
    const { flow, screen } = result;
    console.log(
      `participants: ${flow.listed} listed, ${flow.ingested} with the task's labels, ${flow.analysed.photos} photos of ${flow.analysed.subjects} subjects analysed`,
    );
    for (const [label, n] of Object.entries(flow.analysed.byLabel)) console.log(`  ${label}: ${n} photos`);
    for (const [reason, n] of Object.entries(flow.excluded)) console.log(`  excluded ${reason}: ${n}`);
    for (const [label, n] of Object.entries(flow.otherLabels))
      console.log(`  not used (label ${label}): ${n}`);
    for (const w of result.warnings) console.log(`warning ${w}`);
    console.log(
      `\nout-of-fold (nested, subject-grouped CV), ${screen.estimator} on ${screen.featureSets.join(' + ')}:`,
    );
    for (const [name, m] of Object.entries(screen.metrics)) {
      console.log(
        typeof m === 'number'
          ? `  ${name}: ${m.toFixed(4)}`
          : `  ${name}: ${m.estimate.toFixed(4)} (95% CI ${m.lower?.toFixed(4)}–${m.upper?.toFixed(4)}; ${m.method})`,
      );
    }
    console.log(`threshold ${screen.threshold.value.toFixed(4)} (${screen.threshold.rule})`);
    console.log(
      `\nbundle: ${result.bundleDir} (metadata.json, ${screen.file}, oof-predictions.csv, training-report.json)`,
    );
    return 0;
  } finally {
    cache?.close();
  }
}
