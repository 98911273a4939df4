import { trainBundle, type TrainOptions } from '../model/index.js';
import type { FeatureSetName } from '../features/index.js';
import { openCache } from './cache.js';
import { createProgress } from './progress.js';

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

/** `endoface train`: parse, call trainBundle, print the participant flow and the out-of-fold metrics. */
export async function trainCommand(opts: TrainCliOptions): Promise<number> {
  const cache = openCache(opts.cache);
  const progress = createProgress('train');
  try {
    const result = await trainBundle({
      data: opts.data,
      task: opts.task,
      positive: opts.positive,
      negative: opts.negative,
      classes: list(opts.classes),
      out: opts.out,
      featureSets: list(opts.features) as FeatureSetName[],
      estimator: opts.estimator as TrainOptions['estimator'],
      outerFolds: Number(opts.folds),
      innerFolds: Number(opts.innerFolds),
      seed: Number(opts.seed),
      admit: list(opts.admit) as TrainOptions['admit'],
      cache,
      workers: Number(opts.workers),
      overwrite: opts.overwrite,
      onProgress: (stage, done, total) => progress.update(done, total, stage),
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
