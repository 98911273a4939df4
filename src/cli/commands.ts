/**
 * Every subcommand, its flags and their parsers (flags.ts), in one place. Each action imports its
 * module lazily — loading models or plotting libraries only for the command that needs them — and
 * that module turns the parsed flags into a job request, runs the job and prints.
 */
import { Command, Option } from 'commander';
import { choice, list, number, path, wholeNumber } from './flags.js';

/** Values the CLI offers for a few flags (the jobs check them again). */
const HEATMAP_KINDS = ['regions', 'coarse', 'fine', 'none'] as const;
const QUALITY = ['pass', 'warn', 'reject'] as const;
const SEXES = ['female', 'male'] as const;

/** Worker threads (the jobs cap them at the CPU cores, with a note). */
const workerCount = (flag: string) => wholeNumber(flag);

/** Options shared by the commands that extract features: the cache and the worker threads. */
const cacheOption = (): Option =>
  new Option('--cache <path>', 'feature cache (SQLite; default ~/.cache/endoface/features.sqlite)').argParser(
    path('--cache'),
  );
const noCacheOption = (): Option => new Option('--no-cache', 'do not read or write the feature cache');
const workersOption = (defaultValue: number): Option =>
  new Option('--workers <n>', 'worker threads for feature extraction (at most the CPU cores)')
    .default(defaultValue)
    .argParser(workerCount('--workers'));
const sexOption = (): Option =>
  new Option(
    '--sex <sex>',
    'sex of the person photographed (female | male): picks the normal faces compared with (default: the manifest’s, else estimated from the face)',
  ).argParser((t) =>
    choice('--sex', SEXES)({ f: 'female', m: 'male' }[t.trim().toLowerCase()] ?? t.trim().toLowerCase()),
  );
const ageOption = (): Option =>
  new Option(
    '--age <years>',
    'age in years (18–120): picks the age band of the normal faces compared with (default: the manifest’s, else estimated from the face)',
  ).argParser(number('--age', { min: 18, max: 120, what: 'an age in years from 18 to 120' }));

type Action = (...args: never[]) => Promise<number>;

/** The flags of the commands that score photos: the reference group, worker threads and the cache. */
const scoring = (command: Command): Command =>
  command
    .addOption(sexOption())
    .addOption(ageOption())
    .addOption(
      new Option(
        '--admit <list>',
        'quality statuses scored, comma-separated; add reject to score photos that fail a check you understand (the result says so)',
      )
        .default(['pass', 'warn'], 'pass,warn')
        .argParser(list('--admit', QUALITY)),
    )
    .addOption(workersOption(0))
    .addOption(cacheOption())
    .addOption(noCacheOption());
/** An action that imports its module only when the command runs, and sets the exit status. */
const lazy =
  <M>(load: () => Promise<M>, pick: (m: M) => Action) =>
  async (...args: unknown[]): Promise<void> => {
    const run = pick(await load()) as (...a: unknown[]) => Promise<number>;
    process.exitCode = await run(...args.slice(0, -1));
  };

export function register(program: Command): void {
  scoring(
    program
      .command('screen')
      .description(
        "the main job: per photo, quality, normative and screen scores for Cushing's-like and acromegaly-like signs, the regions behind them, and figures",
      )
      .argument('<inputs...>', 'photos, folders, or a CSV manifest (file[,subject_id,sex,age,…])')
      .option(
        '-m, --model <bundle>',
        'model bundle (default: the bundled models/default, trained on simulated signs)',
        path('--model'),
      )
      .option('-o, --out <dir>', 'write screen.json, a JSON per photo and the figures here', path('--out'))
      .option('--json', 'print the results as JSON', false)
      .addOption(
        new Option('--heatmap <kind>', 'figures with --out: regions | coarse | fine | none')
          .default('regions')
          .argParser(choice('--heatmap', HEATMAP_KINDS)),
      ),
  ).action(
    lazy(
      () => import('./screen.js'),
      (m) => m.screenCommand,
    ),
  );
  program
    .command('detect')
    .description('find faces, fit the 468-point mesh, align each face and judge photo quality')
    .argument('<inputs...>', 'photos, folders (searched recursively) or a CSV manifest')
    .option('-o, --out <dir>', 'write crops/*.png, faces/*.json and summary.csv here', path('--out'))
    .option('--json', 'print the results as JSON instead of a summary', false)
    .addOption(
      new Option(
        '--size <px>',
        'side of the aligned crop in pixels, 64–1024 (quality is judged on a 224-px crop whatever the size)',
      )
        .default(224)
        .argParser(wholeNumber('--size', { min: 64, max: 1024 })),
    )
    .addOption(
      new Option('--workers <n>', 'worker threads (0 = none; at most the CPU cores)')
        .default(0)
        .argParser(workerCount('--workers')),
    )
    .action(
      lazy(
        () => import('./detect.js'),
        (m) => m.detectCommand,
      ),
    );
  scoring(
    program
      .command('predict')
      .description('score photos with a model bundle (photos that fail quality are listed, not scored)')
      .argument('<inputs...>', 'photos, folders, or a CSV manifest (file[,subject_id,label,sex,age,…])')
      .option('-m, --model <bundle>', 'model bundle (default: the bundled models/default)', path('--model'))
      .option(
        '--csv <file>',
        'write one row per photo (image,subject,label,score,… : the input of evaluate)',
        path('--csv'),
      )
      .option('--json', 'print every result as JSON', false),
  ).action(
    lazy(
      () => import('./predict.js'),
      (m) => m.predictCommand,
    ),
  );
  program
    .command('train')
    .description('train a screen with nested subject-grouped cross-validation and write a model bundle')
    .requiredOption(
      '--data <manifest.csv|dir>',
      'CSV manifest file,subject_id,label[,sex,age,…] or a folder per label',
      path('--data'),
    )
    .requiredOption('--task <name>', 'screen name, e.g. cushing')
    .option('--positive <label>', 'positive label (binary screen)')
    .option('--negative <label>', 'negative label (binary screen)')
    .option(
      '--classes <list>',
      'labels of a multi-class model, comma-separated (e.g. control,cushing,acromegaly); not with --positive/--negative',
      list('--classes'),
    )
    .requiredOption('-o, --out <dir>', 'bundle directory to write', path('--out'))
    .addOption(
      new Option(
        '--features <list>',
        'feature sets: faceres, faceres-deep, faceres-lower, mobilefacenet, morphometrics, colour, colourmap',
      )
        .default(['faceres', 'morphometrics', 'colour'], 'faceres,morphometrics,colour')
        .argParser(list('--features')),
    )
    .option('--estimator <name>', 'logistic | mlp', 'logistic')
    .addOption(
      new Option('--folds <k>', 'outer cross-validation folds (≥ 2)')
        .default(5)
        .argParser(wholeNumber('--folds', { min: 2 })),
    )
    .addOption(
      new Option('--inner-folds <k>', 'inner folds (hyper-parameters, calibration; ≥ 2)')
        .default(3)
        .argParser(wholeNumber('--inner-folds', { min: 2 })),
    )
    .addOption(new Option('--seed <n>', 'seed of the splits').default(0).argParser(wholeNumber('--seed')))
    .addOption(
      new Option('--admit <list>', 'quality statuses used for training: pass, warn, reject')
        .default(['pass', 'warn'], 'pass,warn')
        .argParser(list('--admit', QUALITY)),
    )
    .addOption(workersOption(2))
    .addOption(cacheOption())
    .addOption(noCacheOption())
    .option('--overwrite', 'replace an existing bundle in --out', false)
    .action(
      lazy(
        () => import('./train.js'),
        (m) => m.trainCommand,
      ),
    );
  program
    .command('evaluate')
    .description('diagnostic accuracy with CIs, calibration, subgroups and the comparison with readers')
    .requiredOption(
      '--predictions <csv>',
      'image,subject,label,score[,covariates…] (label 0/1)',
      path('--predictions'),
    )
    .option(
      '--readers <csv>',
      'image,reader,rating[,reader_level] (rating 0/1, 1–5 or 0–100)',
      path('--readers'),
    )
    .option(
      '--by <columns>',
      'covariates for subgroup tables, comma-separated (e.g. sex,age_band)',
      list('--by'),
    )
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
    .option(
      '--prevalence <p>',
      'also report PPV/NPV at this prevalence (0–1)',
      number('--prevalence', { min: 0, max: 1, open: true }),
    )
    .addOption(
      new Option('--bootstrap <n>', 'subject-bootstrap replicates, 0–1,000,000 (0 = none)')
        .default(2000)
        .argParser(wholeNumber('--bootstrap', { max: 1_000_000 })),
    )
    .addOption(new Option('--seed <n>', 'bootstrap seed').default(20240229).argParser(wholeNumber('--seed')))
    .addOption(
      new Option('--level <p>', 'confidence level')
        .default(0.95)
        .argParser(number('--level', { min: 0, max: 1, open: true, what: 'in (0, 1), e.g. 0.95' })),
    )
    .action(
      lazy(
        () => import('./evaluate.js'),
        (m) => m.evaluateCommand,
      ),
    );
  program
    .command('explain')
    .description(
      "which facial regions drive a screen's score: region masking, occlusion heatmap, saliency, sanity checks",
    )
    .argument('<inputs...>', 'photos, folders, or a CSV manifest (file[,subject_id,label,sex,age,…])')
    .option('-m, --model <bundle>', 'model bundle (default: the bundled models/default)', path('--model'))
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
    .option(
      '--human-roi <csv>',
      'expert ratings or ranks of regions: condition,region,rating|rank[,reader]',
      path('--human-roi'),
    )
    .option(
      '--condition <name>',
      'condition the expert ratings are compared for (default: the explained class)',
    )
    .addOption(
      new Option(
        '--bootstrap <n>',
        'bootstrap replicates of the agreement intervals, 0–1,000,000 (0 = none; an interval needs ≥ 40)',
      )
        .default(2000)
        .argParser(wholeNumber('--bootstrap', { max: 1_000_000 })),
    )
    .addOption(
      new Option('--seed <n>', 'seed of the randomisations and the bootstrap')
        .default(1)
        .argParser(wholeNumber('--seed')),
    )
    .option(
      '--fill-detail <kind>',
      "detail of the masking fill: mean-face (the mean face's) | none (smooth)",
      'mean-face',
    )
    .addOption(
      new Option('--admit <list>', 'the quality statuses explained, comma-separated (pass, warn, reject)')
        .default(['pass', 'warn'], 'pass,warn')
        .argParser(list('--admit', QUALITY)),
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
    .addOption(workersOption(2))
    .action(
      lazy(
        () => import('./explain.js'),
        (m) => m.explainCommand,
      ),
    );
  program
    .command('simulate')
    .description(
      "make phantoms: real faces with simulated Cushing's or acromegaly signs at a given severity, plus a manifest for train",
    )
    .requiredOption(
      '--in <dir|csv>',
      'a folder of photos, or a CSV manifest file[,subject_id,sex,age,…]',
      path('--in'),
    )
    .requiredOption('--condition <name>', 'cushing | acromegaly')
    .requiredOption(
      '--severity <s>',
      'severity in (0, 1] (every sign of the condition at this magnitude)',
      number('--severity', { min: 0, max: 1 }),
    )
    .requiredOption('-o, --out <dir>', 'write images/, manifest.csv and phantoms.json here', path('--out'))
    .option(
      '--signs <list>',
      'only these signs, name=weight in [0, 1], comma-separated (e.g. nose_widening=1)',
    )
    .addOption(
      new Option('--seed <n>', 'seed of the per-subject variation')
        .default(1)
        .argParser(wholeNumber('--seed', { max: 2 ** 53 })),
    )
    .addOption(
      new Option('--jitter <sd>', 'standard deviation of the per-subject severity jitter')
        .default(0)
        .argParser(number('--jitter', { min: 0, max: 1 })),
    )
    .addOption(
      new Option('--sign-mix <f>', 'per-subject variation of each sign weight, ± this fraction')
        .default(0)
        .argParser(number('--sign-mix', { min: 0, max: 1 })),
    )
    .option(
      '--include-controls',
      'also write each photo unmodified, labelled control (same subject id)',
      false,
    )
    .option('--format <fmt>', 'jpeg (quality 95) | png', 'jpeg')
    .action(
      lazy(
        () => import('./simulate.js'),
        (m) => m.simulateCommand,
      ),
    );
}
