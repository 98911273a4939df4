import { Command, Option } from 'commander';

const positiveInt =
  (name: string) =>
  (v: string): string => {
    if (!/^\d+$/.test(v) || Number(v) < 0) throw new Error(`${name} must be a whole number ≥ 0, got "${v}"`);
    return v;
  };

/**
 * Registers every subcommand. Each action imports its module lazily, so loading the models
 * (or plotting libraries) happens only for the command that needs them.
 */
export function register(program: Command): void {
  program
    .command('detect')
    .description('find faces, fit the 468-point mesh, align each face and judge photo quality')
    .argument('<inputs...>', 'photos or folders (searched recursively)')
    .option('-o, --out <dir>', 'write crops/*.png, faces/*.json and summary.csv here')
    .option('--json', 'print the results as JSON instead of a summary', false)
    .addOption(
      new Option('--size <px>', 'side of the aligned crop in pixels')
        .default('224')
        .argParser(positiveInt('--size')),
    )
    .addOption(
      new Option('--workers <n>', 'worker threads (0 = none)')
        .default('0')
        .argParser(positiveInt('--workers')),
    )
    .action(async (inputs: string[], opts) => {
      const { detectCommand } = await import('./detect.js');
      process.exitCode = await detectCommand(inputs, opts);
    });
  program
    .command('evaluate')
    .description('diagnostic accuracy with CIs, calibration, subgroups and the comparison with readers')
    .requiredOption('--predictions <csv>', 'image,subject,label,score[,covariates…] (label 0/1)')
    .option('--readers <csv>', 'image,reader,rating[,reader_level] (rating 0/1, 1–5 or 0–100)')
    .option('--by <columns>', 'covariates for subgroup tables, comma-separated (e.g. sex,age_band)')
    .requiredOption('-o, --out <dir>', 'write metrics.json, summary.md and the ROC/PR/calibration plots here')
    .option('--aggregate <rule>', 'subject score from photo scores: mean | max', 'mean')
    .option(
      '--thresholds <list>',
      'pre-declared thresholds: numbers, youden, sens:X, spec:X',
      '0.5,youden,sens:0.9',
    )
    .option('--prevalence <p>', 'also report PPV/NPV at this prevalence (0–1)')
    .option('--bootstrap <n>', 'subject-bootstrap replicates (0 = none)', '2000')
    .option('--seed <n>', 'bootstrap seed', '20240229')
    .option('--level <p>', 'confidence level', '0.95')
    .action(async (opts) => {
      const { evaluateCommand } = await import('./evaluate.js');
      process.exitCode = await evaluateCommand(opts);
    });
}
