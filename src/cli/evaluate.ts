/**
 * `endoface evaluate`: a thin shell over the evaluate job — runs it, prints the
 * headline numbers and where the files went. No statistics here.
 */
import { AGGREGATIONS, parseThresholdSpec, runEvaluate } from '../jobs/index.js';
import { lookUpOption } from '../util/index.js';
import { jobContext } from './context.js';

/** The flags as parsed by commands.ts. */
export interface EvaluateFlags {
  predictions: string;
  readers?: string;
  by?: string[];
  out: string;
  aggregate: string;
  thresholds: string;
  prevalence?: number;
  bootstrap: number;
  seed: number;
  level: number;
}

/** Warnings about the whole study, worth the console (the rest are listed in summary.md). */
const CONSOLE_WARNINGS = new Set(['mixed_label_subjects', 'scores_not_probabilities']);

/** Runs the command; returns the exit status (0). Errors with a code propagate to main. */
export async function evaluateCommand(flags: EvaluateFlags): Promise<number> {
  const { metrics, files } = await runEvaluate(
    {
      predictions: flags.predictions,
      readers: flags.readers,
      out: flags.out,
      aggregate: lookUpOption('--aggregate', flags.aggregate, AGGREGATIONS),
      by: flags.by ?? [],
      thresholds: flags.thresholds.split(',').map(parseThresholdSpec),
      prevalence: flags.prevalence,
      nResamples: flags.bootstrap,
      seed: flags.seed,
      level: flags.level,
    },
    jobContext(),
  );
  const p = metrics.photo;
  const s = metrics.subject;
  const f = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));
  const b = p.auc.bootstrap?.bca ?? p.auc.bootstrap?.percentile ?? null;
  const level = `${Number((metrics.options.level * 100).toFixed(6))} %`;
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
