/**
 * `endoface screen`: runs the screen job and prints, per photo, what a clinician reads first —
 * each screen's probability beside its threshold in words, the normative percentile, the most
 * unusual regions and what drives each screen — without jargon.
 */
import { basename } from 'node:path';
import { CONDITION_LABELS, EndofaceError, type Condition } from '../core/index.js';
import {
  runScreen,
  type ChosenReferenceGroup,
  type ScreenExplanation,
  type ScreenResult,
} from '../jobs/index.js';
import { jobContext, scoringRequest, type ScoringFlags } from './context.js';
import { createProgress } from './progress.js';

export interface ScreenFlags extends ScoringFlags {
  out?: string;
  json: boolean;
  heatmap: ScreenExplanation;
}

/** "1st", "2nd", "3rd", "11th", "73rd" percentile. */
export function ordinalPercentile(p: number): string {
  const n = Math.round(p);
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix} percentile`;
}

/** `endoface screen`: exit 0 when at least one photo was scored. */
export async function screenCommand(inputs: string[], flags: ScreenFlags): Promise<number> {
  const progress = createProgress('screen');
  const { results, bundle, run } = await runScreen(
    { inputs, out: flags.out, explain: flags.heatmap, ...scoringRequest(flags) },
    jobContext(progress),
  );
  progress.done();
  if (results.length === 0)
    throw new EndofaceError('empty_dataset', `no photos to screen in ${inputs.join(', ')}`, { inputs });
  if (flags.json) {
    console.log(JSON.stringify({ disclaimer: bundle.metadata.disclaimer, run, results }, null, 2));
    return results.some((r) => r.scored) ? 0 : 1;
  }
  console.log(
    `${bundle.metadata.disclaimer}\nmodel: ${bundle.metadata.name} ${bundle.metadata.version} — ${bundle.metadata.intendedUse}\n`,
  );
  for (const r of results) console.log(photoSummary(r));
  const seconds = (run.timingsMs.total / 1000).toFixed(1);
  console.log(`${results.filter((r) => r.scored).length} of ${results.length} photos scored in ${seconds} s`);
  if (flags.out) console.log(`results: ${flags.out}/screen.json`);
  return results.some((r) => r.scored) ? 0 : 1;
}

function photoSummary(r: ScreenResult): string {
  const reasons = r.quality?.reasons.length ? ` (${r.quality.reasons.map((x) => x.code).join(', ')})` : '';
  const lines = [`${basename(r.file)}  photo quality: ${r.quality?.status ?? 'not read'}${reasons}`];
  if (r.admittedDespite)
    lines.push(
      `  SCORED ALTHOUGH THE QUALITY CHECK REJECTED IT (--admit reject): read every number below knowing why (${r.admittedDespite.reasons.join(', ')})`,
    );
  if (!r.scored) {
    lines.push(`  not scored — ${r.notScored?.code}: ${r.notScored?.message}`, '');
    return lines.join('\n');
  }
  for (const [c, v] of Object.entries(r.conditions) as [
    Condition,
    NonNullable<ScreenResult['conditions'][Condition]>,
  ][]) {
    const name = CONDITION_LABELS[c];
    if (v.screen) {
      const above = v.screen.probability >= v.screen.threshold;
      lines.push(
        `  ${name}: screen probability ${v.screen.probability.toFixed(3)}, ${above ? 'ABOVE' : 'below'} its threshold ${v.screen.threshold.toFixed(3)}` +
          ` — ${above ? `flagged as ${c === 'cushing' ? "Cushing's" : 'acromegaly'}-like` : 'not flagged'}` +
          missingNote(v.screen.missingFeatures),
      );
    }
    if (v.withheld) lines.push(`  ${name}: screen result withheld — ${v.withheld.message}`);
    if (v.normative)
      lines.push(
        `    compared with normal faces, its ${c === 'cushing' ? "Cushing's" : 'acromegaly'}-like features are at the ${ordinalPercentile(v.normative.percentile)}`,
      );
  }
  for (const w of r.warnings ?? []) lines.push(`  warning: ${w.code}: ${w.message}`);
  if (r.topRegions.length)
    lines.push(
      `  most unusual regions against normal faces: ${r.topRegions.map((t) => `${t.label} (${ordinalPercentile(t.percentile)})`).join(', ')}`,
    );
  for (const [screen, drivers] of Object.entries(r.drivers)) {
    const lead = r.driverLead[screen];
    const clear = lead.decisive
      ? `${drivers[0]?.label} clearly leads`
      : 'no region clearly leads: read the ranking with care';
    lines.push(
      `  what moves the ${screen} screen most when hidden: ${drivers.map((d) => `${d.label} (${d.importance >= 0 ? '−' : '+'}${Math.abs(d.importance).toFixed(3)})`).join(', ')} — ${clear}`,
    );
  }
  if (r.reference) lines.push(`  compared with: ${r.reference}${referenceSource(r.referenceGroup)}`);
  for (const [screen, f] of Object.entries(r.figures))
    lines.push(`  ${screen} figure: ${f.heatmap ?? f.regions}`);
  lines.push('');
  return lines.join('\n');
}

/**
 * Where the sex and age choosing the reference group came from, when not from the manifest: the
 * command line, or the face network's estimate (then how to choose instead).
 */
export function referenceSource(g: ChosenReferenceGroup | undefined): string {
  if (!g) return '';
  const fields = (from: ChosenReferenceGroup['sexFrom']) =>
    (['sex', 'age'] as const).filter((f) => (f === 'sex' ? g.sexFrom : g.ageFrom) === from);
  const given = fields('request');
  const estimated = fields('estimated');
  const parts: string[] = [];
  if (given.length) parts.push(`${given.join(' and ')} from ${given.map((f) => `--${f}`).join(' and ')}`);
  if (estimated.length)
    parts.push(
      `${estimated.join(' and ')} estimated from the face; give ${estimated.map((f) => `--${f}`).join(' and ')} to choose`,
    );
  return parts.length ? ` — ${parts.join('; ')}` : '';
}

/**
 * A note on a scored screen whose features were partly missing, when filling them moves its
 * probability noticeably (≥ 0.05 between the 5th and 95th percentiles of plausible fills).
 */
function missingNote(
  m: { count: number; sets: string[]; probabilityRange?: [number, number] } | undefined,
): string {
  const range = m?.probabilityRange;
  if (!m || !range || range[1] - range[0] < 0.05) return '';
  return ` (${m.count} ${m.sets.join(' and ')} features could not be measured on this photo; with plausible values the probability is ${range[0].toFixed(2)}–${range[1].toFixed(2)}, the decision unchanged)`;
}
