/**
 * `endoface explain`: a thin shell over `runExplain` — parses the flags, runs, prints each photo's
 * top regions and where the files went. No science here.
 */
import { EndofaceError } from '../core/index.js';
import {
  FILL_DETAILS,
  REGION_METHODS,
  runExplain,
  type ExplainRequest,
  type QualityStatus,
} from '../jobs/index.js';
import { lookUpOption } from '../util/index.js';
import { jobContext } from './context.js';
import { createProgress } from './progress.js';

/** The flags as parsed by commands.ts. */
export interface ExplainFlags {
  model?: string;
  out: string;
  screen?: string;
  class?: string;
  fine: boolean;
  heatmap: boolean;
  saliency: boolean;
  sanity: boolean;
  humanRoi?: string;
  condition?: string;
  bootstrap: number;
  seed: number;
  workers: number;
  fillDetail: string;
  admit: QualityStatus[];
  baseline?: string;
  regionMethod?: string;
}

/** Converts the flags into the job's request, refusing bad values with the flag's name. */
export function explainRequest(inputs: string[], flags: ExplainFlags): ExplainRequest {
  refuseIdleFlags(flags);
  return {
    model: flags.model,
    inputs,
    out: flags.out,
    screen: flags.screen,
    className: flags.class,
    heatmap: flags.heatmap ? (flags.fine ? 'fine' : 'coarse') : 'none',
    saliency: flags.saliency,
    sanity: flags.sanity,
    humanRoi: flags.humanRoi,
    condition: flags.condition,
    nResamples: flags.bootstrap,
    seed: flags.seed,
    workers: flags.workers,
    fillDetail: lookUpOption('--fill-detail', flags.fillDetail, FILL_DETAILS),
    admit: flags.admit,
    baseline: flags.baseline,
    regionMethod:
      flags.regionMethod === undefined
        ? undefined
        : lookUpOption('--region-method', flags.regionMethod, REGION_METHODS),
  };
}

/** Flags that would do nothing with the others given: said, rather than silently ignored. */
function refuseIdleFlags(flags: ExplainFlags): void {
  const idle = (flag: string, why: string): never => {
    throw new EndofaceError('invalid_option', `${flag} does nothing ${why}`, { parameter: flag });
  };
  if (flags.fine && !flags.heatmap) idle('--fine', 'with --no-heatmap (it sets the heatmap grid)');
  if (flags.condition !== undefined && flags.humanRoi === undefined)
    idle('--condition', "without --human-roi (it picks the experts' ratings to compare with)");
}

/** `endoface explain`: exit 0 when at least one photo was explained. */
export async function explainCommand(inputs: string[], flags: ExplainFlags): Promise<number> {
  const progress = createProgress('explain');
  const result = await runExplain(explainRequest(inputs, flags), jobContext(progress));
  progress.done();
  const method = result.explained[0]?.explanation.masking;
  if (method && method.regionMethod !== 'pixel')
    console.log(`regions hidden by ${method.regionMethod}: ${method.featureOcclusion}`);
  if (result.baseline) {
    const b = result.baseline;
    console.log(
      `regions ranked by contrast to ${b.baseline.n} normal faces${b.failed.length ? ` (${b.failed.length} not usable: ${[...new Set(b.failed.map((f) => f.code))].join(', ')})` : ''}`,
    );
  }
  const first = result.explained[0]?.explanation;
  if (first) console.log(first.disclaimer);
  // Each photo by its output name (two face.jpg in different folders are a__face and b__face).
  for (const { stem, explanation: e, warnings } of result.explained) {
    const top = e.regions.regions
      .slice(0, 3)
      .map((r) => {
        const v = r.contrast ?? r.importance; // contrast: logit units against normal faces
        return `${r.region} ${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
      })
      .join(', ');
    const sanity = e.sanity
      ? `  [randomisation ρ ${e.sanity.randomisation.meanSpearman?.toFixed(2) ?? 'n/a'}, deletion ${e.sanity.deletion.passed ? 'beats' : 'does not beat'} random]`
      : '';
    const { lead } = e.regions;
    const clarity = `${lead.decisive ? 'clearly leads' : 'no clear lead'}: ahead of ${lead.over} by ${lead.logit.toFixed(2)} on the log-odds scale`;
    const quality = e.quality.reasons.length
      ? `  quality ${e.quality.status} (${e.quality.reasons.map((r) => r.code).join(', ')})`
      : '';
    console.log(
      `${stem}  P(${e.screen.explainedClass}) ${e.score.toFixed(3)}  top: ${top} (${clarity})${sanity}${quality}`,
    );
    const m = e.missingFeatures;
    if (m && !m.stable)
      console.log(
        `  warning: features_missing: ${m.missing.length} of the screen's features are missing on this photo${e.quality.reasons.some((r) => r.code === 'greyscale') ? ' (greyscale)' : ''}; filled with plausible values the decision changes in ${(100 * (1 - m.agreement)).toFixed(0)} % of fills — neither the score nor its explanation is a finding`,
      );
    for (const w of warnings ?? []) console.log(`  warning: ${w.code}: ${w.message}`);
  }
  for (const f of result.failed) console.log(`${f.file}  not explained: ${f.code}: ${f.message}`);
  const admit = flags.admit;
  if (result.failed.some((f) => f.code === 'quality_rejected'))
    console.log(
      `(--admit ${admit.join(',')}: only photos of quality ${admit.join(' or ')} are explained; --admit pass,warn,reject explains every photo)`,
    );
  if (result.agreement) {
    const a = result.agreement;
    const ci = (x: typeof a.spearman): string =>
      x.estimate === null
        ? 'undefined'
        : `${x.estimate.toFixed(2)}${x.lower !== null ? ` [${x.lower.toFixed(2)}, ${x.upper!.toFixed(2)}]` : ''}`;
    // Without an interval, say why once (one subject, too few replicates, no bootstrap).
    const why = a.spearman.lower === null && a.spearman.estimate !== null ? ` (${a.spearman.method})` : '';
    console.log(
      `agreement with experts (${a.condition}, ${a.regions.length} regions): Spearman ρ ${ci(a.spearman)}, Kendall τ-b ${ci(a.kendall)}${why}`,
    );
  }
  console.log(`\nwrote ${result.outDir}`);
  return result.explained.length > 0 ? 0 : 1;
}
