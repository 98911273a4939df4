/** `endoface predict`: runs the predict job and prints one line per photo (or JSON). */
import { basename } from 'node:path';
import { runPredict, type ChosenReferenceGroup } from '../jobs/index.js';
import { jobContext, scoringRequest, type ScoringFlags } from './context.js';
import { createProgress } from './progress.js';

export interface PredictFlags extends ScoringFlags {
  csv?: string;
  json: boolean;
}

/** Exit 0 when at least one photo was scored. */
export async function predictCommand(inputs: string[], flags: PredictFlags): Promise<number> {
  const progress = createProgress('predict');
  const { predictions, bundle, files, run } = await runPredict(
    { inputs, csv: flags.csv, ...scoringRequest(flags) },
    jobContext(progress),
  );
  progress.done();
  if (flags.json) {
    console.log(JSON.stringify({ disclaimer: bundle.metadata.disclaimer, run, predictions }, null, 2));
    return predictions.some((p) => p.scored) ? 0 : 1;
  }
  console.log(bundle.metadata.disclaimer);
  for (const p of predictions) {
    const parts = Object.entries(p.screens).map(
      ([name, s]) =>
        `${name} ${s.probability !== undefined ? `${s.probability.toFixed(3)} (threshold ${s.threshold.toFixed(3)}) ` : ''}→ ${s.decision}`,
    );
    for (const [name, w] of Object.entries(p.withheld ?? {}))
      parts.push(`${name} withheld (${w.code}: ${w.message})`);
    if (p.normative)
      parts.push(
        `normative Cushing-like P${p.normative.conditions.cushing.percentile.toFixed(0)}, acromegaly-like P${p.normative.conditions.acromegaly.percentile.toFixed(0)}` +
          ` vs ${p.normative.reference.description}${estimatedNote(p.referenceGroup)}`,
      );
    console.log(
      `${basename(p.file)}  [${p.quality?.status ?? 'not read'}${p.admittedDespite ? ', scored by --admit' : ''}]  ${p.scored ? parts.join('; ') : `not scored — ${p.notScored?.code}: ${p.notScored?.message}`}`,
    );
    for (const w of p.warnings ?? []) console.log(`  warning: ${w.code}: ${w.message}`);
  }
  if (flags.csv && files.includes(flags.csv)) console.log(`\nwrote ${flags.csv}`);
  return predictions.some((p) => p.scored) ? 0 : 1;
}

/** ", sex and age estimated from the face" when the network's estimate chose the reference group. */
function estimatedNote(g: ChosenReferenceGroup | undefined): string {
  const estimated = (['sex', 'age'] as const).filter(
    (f) => (f === 'sex' ? g?.sexFrom : g?.ageFrom) === 'estimated',
  );
  return estimated.length ? `, ${estimated.join(' and ')} estimated from the face` : '';
}
