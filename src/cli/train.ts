/** `endoface train`: runs the train job and prints the participant flow and the out-of-fold metrics. */
import { EndofaceError, isEndofaceError } from '../core/index.js';
import { runTrain, type FeatureSetName, type QualityStatus, type ScreenEstimator } from '../jobs/index.js';
import { cacheRequest, jobContext } from './context.js';
import { createProgress } from './progress.js';

export interface TrainFlags {
  data: string;
  task: string;
  positive?: string;
  negative?: string;
  classes?: string[];
  out: string;
  features: string[];
  estimator: string;
  folds: number;
  innerFolds: number;
  seed: number;
  admit: QualityStatus[];
  cache?: string | false;
  workers: number;
  overwrite: boolean;
}

/** A class with fewer subjects than folds: say which flag to lower (nested CV tags the CV that failed). */
function withFoldFlag(e: unknown): unknown {
  if (!isEndofaceError(e) || e.code !== 'too_few_subjects') return e;
  const flag = e.details.cv === 'outer' ? '--folds' : e.details.cv === 'inner' ? '--inner-folds' : undefined;
  return flag ? new EndofaceError(e.code, `${e.message}; lower ${flag}`, e.details) : e;
}

/** Exit 0 when the bundle was written. */
export async function trainCommand(flags: TrainFlags): Promise<number> {
  if (flags.classes !== undefined && (flags.positive !== undefined || flags.negative !== undefined))
    throw new EndofaceError(
      'invalid_option',
      '--classes (a multi-class model) and --positive/--negative (a binary screen) exclude each other; give one or the other',
      { parameter: '--classes', value: flags.classes },
    );
  const progress = createProgress('train');
  const result = await runTrain(
    {
      data: flags.data,
      task: flags.task,
      positive: flags.positive,
      negative: flags.negative,
      classes: flags.classes,
      out: flags.out,
      featureSets: flags.features as FeatureSetName[],
      estimator: flags.estimator as ScreenEstimator,
      outerFolds: flags.folds,
      innerFolds: flags.innerFolds,
      seed: flags.seed,
      admit: flags.admit,
      workers: flags.workers,
      overwrite: flags.overwrite,
      cache: cacheRequest(flags.cache),
    },
    jobContext(progress),
  ).catch((e: unknown) => {
    throw withFoldFlag(e);
  });
  progress.done();
  const { flow, screen } = result;
  console.log(
    `participants: ${flow.listed} listed, ${flow.ingested} with the task's labels, ${flow.analysed.photos} photos of ${flow.analysed.subjects} subjects analysed`,
  );
  for (const [label, n] of Object.entries(flow.analysed.byLabel)) console.log(`  ${label}: ${n} photos`);
  for (const [reason, n] of Object.entries(flow.excluded)) console.log(`  excluded ${reason}: ${n}`);
  for (const [label, n] of Object.entries(flow.otherLabels)) console.log(`  not used (label ${label}): ${n}`);
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
}
