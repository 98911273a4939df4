/**
 * `endoface evaluate`: a thin shell over `runEvaluation` — parses the flags, runs, prints the
 * headline numbers and where the files went. No statistics here.
 */
import { EndofaceError } from '../core/errors.js';
import { runEvaluation, type EvaluationOptions } from '../report/evaluation.js';
import { percent } from '../report/markdown.js';
import { MAX_RESAMPLES } from '../stats/bootstrap.js';
import { AGGREGATIONS, parseThresholdSpec } from '../stats/index.js';
import { lookUpOption } from '../util/options.js';

/** The flags as commander hands them over (strings). */
export interface EvaluateFlags {
  predictions: string;
  readers?: string;
  by?: string;
  out: string;
  aggregate: string;
  thresholds: string;
  prevalence?: string;
  bootstrap: string;
  seed: string;
  level: string;
}

function number(flag: string, value: string, check: (v: number) => boolean, expected: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || !check(v)) {
    throw new EndofaceError('invalid_option', `${flag}=${value} must be ${expected}`, {
      parameter: flag,
      value,
    });
  }
  return v;
}

/** Converts the flags into evaluation options, refusing bad values with the flag's name. */
export function parseEvaluateFlags(flags: EvaluateFlags): EvaluationOptions {
  return {
    aggregate: lookUpOption('--aggregate', flags.aggregate, AGGREGATIONS),
    by:
      flags.by === undefined
        ? []
        : flags.by
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
    thresholds: flags.thresholds.split(',').map(parseThresholdSpec),
    prevalence:
      flags.prevalence === undefined
        ? undefined
        : number('--prevalence', flags.prevalence, (v) => v > 0 && v < 1, 'in (0, 1)'),
    nResamples: number(
      '--bootstrap',
      flags.bootstrap,
      (v) => Number.isInteger(v) && v >= 0 && v <= MAX_RESAMPLES,
      'a whole number from 0 to 1,000,000',
    ),
    seed: number('--seed', flags.seed, Number.isInteger, 'an integer'),
    level: number('--level', flags.level, (v) => v > 0 && v < 1, 'in (0, 1), e.g. 0.95'),
  };
}

/** Warnings about the whole study, worth the console (the rest are listed in summary.md). */
const CONSOLE_WARNINGS = new Set(['mixed_label_subjects', 'scores_not_probabilities']);

/** Runs the command; returns the exit status (0). Errors with a code propagate to main. */
export async function evaluateCommand(flags: EvaluateFlags): Promise<number> {
  const options = parseEvaluateFlags(flags);
  const { metrics, files, earlierRun } = await runEvaluation(
    { predictions: flags.predictions, readers: flags.readers, out: flags.out },
    options,
  );
  const p = metrics.photo;
  const s = metrics.subject;
  const f = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));
  const b = p.auc.bootstrap?.bca ?? p.auc.bootstrap?.percentile ?? null;
  const level = percent(metrics.options.level);
  if (earlierRun) console.error(`note: ${earlierRun}`);
  console.log(`${metrics.disclaimer}\n`);
  console.log(
    `photo level:   ${p.nCases} photos (${p.nPositive} positive) from ${p.nSubjects} subjects; AUC ${f(p.auc.estimate)} ` +
      `(DeLong ${level} CI ${f(p.auc.delong.lower)}–${f(p.auc.delong.upper)}; subject bootstrap ${f(b?.lower)}–${f(b?.upper)})`,
  );
  console.log(
    `subject level: ${s.nCases === s.nSubjects ? `${s.nCases} subjects` : `${s.nCases} rows (subject × label) from ${s.nSubjects} subjects`} (${s.aggregation} of photo scores); AUC ${f(s.auc.estimate)} ` +
      `(DeLong ${level} CI ${f(s.auc.delong.lower)}–${f(s.auc.delong.upper)})`,
  );
  const paired = metrics.mixedLabelSubjects > 0;
  const printed = new Set<string>();
  for (const w of metrics.warnings) {
    // With matched subjects, the clustering warning says which interval to read. Each code once:
    // the bootstrap and the aggregation both report the matched design, in their own words.
    if (printed.has(w.code)) continue;
    if (
      CONSOLE_WARNINGS.has(w.code) ||
      (paired && w.code === 'clustered_cases' && w.metric === 'photo:clustering')
    ) {
      console.log(`warning: ${w.code}: ${w.message}`);
      printed.add(w.code);
    }
  }
  for (const line of metrics.readers?.summary ?? []) console.log(`- ${line}`);
  if (metrics.warnings.length > 0) console.log(`${metrics.warnings.length} warnings (see summary.md)`);
  console.log(
    `\nwrote ${files.length} files to ${flags.out}: ${files.map((x) => x.split('/').pop()).join(', ')}`,
  );
  return 0;
}
