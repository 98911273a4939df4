import { Command, Option } from 'commander';
import { EndofaceError } from '../core/errors.js';
import { capWorkers } from '../runtime/pool.js';
import { lookUpOption } from '../util/options.js';

/**
 * Option parsers throw `invalid_option` like the commands' own flag checks (explain.ts,
 * evaluate.ts), so main.ts prints `code: message` and exits 1 before any work starts.
 */
const positiveInt =
  (name: string) =>
  (v: string): string => {
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v)))
      throw new EndofaceError('invalid_option', `${name} must be a whole number ≥ 0, got "${v}"`, {
        parameter: name,
        value: v,
      });
    return v.trim();
  };

/** A path option: an empty one ("--out ''", an unset shell variable) is refused, not taken as absent. */
const path =
  (name: string) =>
  (v: string): string => {
    if (v.trim() === '')
      throw new EndofaceError('invalid_option', `${name} is empty: give a path`, {
        parameter: name,
        value: v,
      });
    return v;
  };

/** A whole number in [min, max]: e.g. a crop side, where 0 or 100000 px is a typo, not a request. */
const boundedInt =
  (name: string, min: number, max: number) =>
  (v: string): string => {
    const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!(n >= min && n <= max))
      throw new EndofaceError(
        'invalid_option',
        `${name} must be a whole number between ${min} and ${max}, got "${v}"`,
        {
          parameter: name,
          value: v,
          min,
          max,
        },
      );
    return String(n);
  };

/** Worker threads, capped at the CPU cores with a note (see capWorkers). */
const workerCount =
  (name: string) =>
  (v: string): string => {
    const { workers, note } = capWorkers(Number(positiveInt(name)(v)));
    if (note) console.error(`note: ${note}`);
    return String(workers);
  };

const HEATMAP_KINDS = ['regions', 'coarse', 'fine', 'none'] as const;
const heatmapKind = (v: string): string => lookUpOption('--heatmap', v, HEATMAP_KINDS);

/** Options shared by the commands that extract features: the cache and the worker threads. */
const cacheOption = (): Option =>
  new Option('--cache <path>', 'feature cache (SQLite; default ~/.cache/endoface/features.sqlite)');
const noCacheOption = (): Option => new Option('--no-cache', 'do not read or write the feature cache');
const workersOption = (defaultValue: string): Option =>
  new Option('--workers <n>', 'worker threads for feature extraction (at most the CPU cores)')
    .default(defaultValue)
    .argParser(workerCount('--workers'));

/**
 * Registers every subcommand. Each action imports its module lazily, so loading the models
 * (or plotting libraries) happens only for the command that needs them.
 */
export function register(program: Command): void {
  program
    .command('detect')
    .description('find faces, fit the 468-point mesh, align each face and judge photo quality')
    .argument('<inputs...>', 'photos or folders (searched recursively)')
    .option('-o, --out <dir>', 'write crops/*.png, faces/*.json and summary.csv here', path('--out'))
    .option('--json', 'print the results as JSON instead of a summary', false)
    .addOption(
      new Option(
        '--size <px>',
        'side of the aligned crop in pixels, 64–1024 (quality is judged on a 224-px crop whatever the size)',
      )
        .default('224')
        .argParser(boundedInt('--size', 64, 1024)),
    )
    .addOption(
      new Option('--workers <n>', 'worker threads (0 = none; at most the CPU cores)')
        .default('0')
        .argParser(workerCount('--workers')),
    )
    .action(async (inputs: string[], opts) => {
      const { detectCommand } = await import('./detect.js');
      process.exitCode = await detectCommand(inputs, opts);
    });
  program
    .command('screen')
    .description(
      "the main job: per photo, quality, normative and screen scores for Cushing's-like and acromegaly-like signs, the regions behind them, and figures",
    )
    .argument('<inputs...>', 'photos, folders, or a CSV manifest (file[,subject_id,sex,age,…])')
    .option(
      '-m, --model <bundle>',
      'model bundle (default: the bundled models/default, trained on simulated signs)',
    )
    .option('-o, --out <dir>', 'write screen.json, a JSON per photo and the figures here', path('--out'))
    .option('--json', 'print the results as JSON', false)
    .addOption(
      new Option('--heatmap <kind>', 'figures with --out: regions | coarse | fine | none')
        .default('regions')
        .argParser(heatmapKind),
    )
    .addOption(workersOption('0'))
    .addOption(cacheOption())
    .addOption(noCacheOption())
    .action(async (inputs: string[], opts) => {
      const { screenCommand } = await import('./screen.js');
      process.exitCode = await screenCommand(inputs, opts);
    });
  program
    .command('train')
    .description('train a screen with nested subject-grouped cross-validation and write a model bundle')
    .requiredOption(
      '--data <manifest.csv|dir>',
      'CSV manifest file,subject_id,label[,sex,age,…] or a folder per label',
    )
    .requiredOption('--task <name>', 'screen name, e.g. cushing')
    .option('--positive <label>', 'positive label (binary screen)')
    .option('--negative <label>', 'negative label (binary screen)')
    .option(
      '--classes <list>',
      'labels of a multi-class model, comma-separated (e.g. control,cushing,acromegaly); not with --positive/--negative',
    )
    .requiredOption('-o, --out <dir>', 'bundle directory to write', path('--out'))
    .option(
      '--features <list>',
      'feature sets: faceres, faceres-deep, faceres-lower, mobilefacenet, morphometrics, colour, colourmap',
      'faceres,morphometrics,colour',
    )
    .option('--estimator <name>', 'logistic | mlp', 'logistic')
    .addOption(
      new Option('--folds <k>', 'outer cross-validation folds (≥ 2)')
        .default('5')
        .argParser(positiveInt('--folds')),
    )
    .addOption(
      new Option('--inner-folds <k>', 'inner folds (hyper-parameters, calibration; ≥ 2)')
        .default('3')
        .argParser(positiveInt('--inner-folds')),
    )
    .addOption(new Option('--seed <n>', 'seed of the splits').default('0').argParser(positiveInt('--seed')))
    .option('--admit <list>', 'quality statuses used for training: pass, warn, reject', 'pass,warn')
    .addOption(workersOption('2'))
    .addOption(cacheOption())
    .addOption(noCacheOption())
    .option('--overwrite', 'replace an existing bundle in --out', false)
    .action(async (opts) => {
      const { trainCommand } = await import('./train.js');
      process.exitCode = await trainCommand(opts);
    });
  program
    .command('predict')
    .description('score photos with a model bundle (photos that fail quality are listed, not scored)')
    .requiredOption('-m, --model <bundle>', 'model bundle directory')
    .argument('<inputs...>', 'photos, folders, or a CSV manifest (file[,subject_id,label,sex,age,…])')
    .option(
      '--csv <file>',
      'write one row per photo (image,subject,label,score,… : the input of evaluate)',
      path('--csv'),
    )
    .option('--json', 'print every result as JSON', false)
    .addOption(workersOption('0'))
    .addOption(cacheOption())
    .addOption(noCacheOption())
    .action(async (inputs: string[], opts) => {
      const { predictCommand } = await import('./predict.js');
      process.exitCode = await predictCommand(inputs, opts);
    });
  program
    .command('simulate')
    .description(
      "make phantoms: real faces with simulated Cushing's or acromegaly signs at a given severity, plus a manifest for train",
    )
    .requiredOption('--in <dir|csv>', 'a folder of photos, or a CSV manifest file[,subject_id,sex,age,…]')
    .requiredOption('--condition <name>', 'cushing | acromegaly')
    .requiredOption('--severity <s>', 'severity in (0, 1] (every sign of the condition at this magnitude)')
    .requiredOption('-o, --out <dir>', 'write images/, manifest.csv and phantoms.json here', path('--out'))
    .option(
      '--signs <list>',
      'only these signs, name=weight in [0, 1], comma-separated (e.g. nose_widening=1)',
    )
    .option('--seed <n>', 'seed of the per-subject variation', '1')
    .option('--jitter <sd>', 'standard deviation of the per-subject severity jitter', '0')
    .option('--sign-mix <f>', 'per-subject variation of each sign weight, ± this fraction', '0')
    .option(
      '--include-controls',
      'also write each photo unmodified, labelled control (same subject id)',
      false,
    )
    .option('--format <fmt>', 'jpeg (quality 95) | png', 'jpeg')
    .action(async (opts) => {
      const { simulateCommand } = await import('./simulate.js');
      process.exitCode = await simulateCommand(opts);
    });
  program
    .command('explain')
    .description(
      "which facial regions drive a screen's score: region masking, occlusion heatmap, saliency, sanity checks",
    )
    .requiredOption('-m, --model <bundle>', 'model bundle directory')
    .argument('<inputs...>', 'photos, folders, or a CSV manifest (file[,subject_id,label,sex,age,…])')
    .requiredOption(
      '-o, --out <dir>',
      'write <photo>.json, <photo>.{regions,heatmap,saliency}.png, explanations.csv, cohort.json here',
      path('--out'),
    )
    .option('--screen <name>', "the bundle's screen to explain (default: its first)")
    .option('--class <label>', 'the class whose probability is explained (default: the positive class)')
    .option('--fine', 'occlusion heatmap on a 14 × 14 grid instead of 7 × 7 (≈ 4× slower)', false)
    .option('--no-heatmap', 'skip the occlusion heatmap')
    .option('--no-saliency', 'skip gradient saliency through the descriptor network')
    .option('--no-sanity', 'skip the model-randomisation test and the deletion curve')
    .option('--human-roi <csv>', 'expert ratings or ranks of regions: condition,region,rating|rank[,reader]')
    .option(
      '--condition <name>',
      'condition the expert ratings are compared for (default: the explained class)',
    )
    .option(
      '--bootstrap <n>',
      'bootstrap replicates of the agreement intervals, 0–1,000,000 (0 = none; an interval needs ≥ 40)',
      '2000',
    )
    .option('--seed <n>', 'seed of the randomisations and the bootstrap', '1')
    .option(
      '--fill-detail <kind>',
      "detail of the masking fill: mean-face (the mean face's) | none (smooth)",
      'mean-face',
    )
    .option(
      '--admit <list>',
      'the quality statuses explained, comma-separated; replaces the default (every photo: pass,warn,reject)',
      'pass,warn',
    )
    .option(
      '--baseline <photos|json>',
      'rank regions by their contrast to normal faces: normal photos (folder or CSV) to measure it on, or a baseline.json',
      path('--baseline'),
    )
    .option(
      '--region-method <method>',
      "how a region is hidden from the descriptor networks: pixel (inpainted) | feature (occluded inside the network, towards normal faces' mean feature map) | combined (both, averaged); default combined when the screen reads a FaceRes network (not isotonic-calibrated), else pixel",
    )
    .addOption(workersOption('2'))
    .action(async (inputs: string[], opts) => {
      const { explainCommand } = await import('./explain.js');
      process.exitCode = await explainCommand(inputs, opts);
    });
  program
    .command('evaluate')
    .description('diagnostic accuracy with CIs, calibration, subgroups and the comparison with readers')
    .requiredOption('--predictions <csv>', 'image,subject,label,score[,covariates…] (label 0/1)')
    .option('--readers <csv>', 'image,reader,rating[,reader_level] (rating 0/1, 1–5 or 0–100)')
    .option('--by <columns>', 'covariates for subgroup tables, comma-separated (e.g. sex,age_band)')
    .requiredOption(
      '-o, --out <dir>',
      'write metrics.json, summary.md and the ROC/PR/calibration plots here',
      path('--out'),
    )
    .option('--aggregate <rule>', 'subject score from photo scores: mean | max', 'mean')
    .option(
      '--thresholds <list>',
      'pre-declared thresholds: numbers, youden, sens:X, spec:X',
      '0.5,youden,sens:0.9',
    )
    .option('--prevalence <p>', 'also report PPV/NPV at this prevalence (0–1)')
    .option('--bootstrap <n>', 'subject-bootstrap replicates, 0–1,000,000 (0 = none)', '2000')
    .option('--seed <n>', 'bootstrap seed', '20240229')
    .option('--level <p>', 'confidence level', '0.95')
    .action(async (opts) => {
      const { evaluateCommand } = await import('./evaluate.js');
      process.exitCode = await evaluateCommand(opts);
    });
}
