import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EndofaceError } from '../core/errors.js';
import { runScreen } from '../jobs/screen.js';
import { openCache } from '../jobs/cache.js';
import { createProgress } from './progress.js';

/** The bundled default model, beside src/ and dist/ in the package. */
export const DEFAULT_MODEL = fileURLToPath(new URL('../../models/default', import.meta.url));

export interface ScreenCliOptions {
  model?: string;
  out?: string;
  json?: boolean;
  heatmap: string;
  cache?: string | boolean;
  workers: string;
}

/** "1st", "2nd", "3rd", "11th", "73rd" percentile. */
function pct(p: number): string {
  const n = Math.round(p);
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix} percentile`;
}

/** `endoface screen`: exit 0 when at least one photo was scored. */
export async function screenCommand(inputs: string[], opts: ScreenCliOptions): Promise<number> {
  const cache = openCache(opts.cache);
  const progress = createProgress('screen');
  try {
    const { results, bundle, earlierRun } = await runScreen({
      model: opts.model ?? DEFAULT_MODEL,
      inputs,
      outDir: opts.out,
      cache,
      workers: Number(opts.workers),
      onProgress: (stage, d, t) => progress.update(d, t, stage),
      explain: opts.heatmap as 'regions' | 'coarse' | 'fine' | 'none',
      onNote: (message) => console.error(`note: ${message}`),
    });
    progress.done();
    if (earlierRun) console.error(`note: ${earlierRun}`);
    if (results.length === 0)
      throw new EndofaceError('empty_dataset', `no photos to screen in ${inputs.join(', ')}`, { inputs });
    if (opts.json) {
      console.log(JSON.stringify({ disclaimer: bundle.metadata.disclaimer, results }, null, 2));
    } else {
      console.log(
        `${bundle.metadata.disclaimer}\nmodel: ${bundle.metadata.name} ${bundle.metadata.version} — ${bundle.metadata.intendedUse}\n`,
      );
      for (const r of results) {
        console.log(
          `${basename(r.file)}  quality ${r.quality?.status ?? 'error'}${r.quality?.reasons.length ? ` (${r.quality.reasons.map((x) => x.code).join(', ')})` : ''}`,
        );
        if (!r.scored) {
          console.log(
            `  not scored: ${r.error ? `${r.error.code}: ${r.error.message}` : r.notScoredReason}\n`,
          );
          continue;
        }
        for (const [c, v] of Object.entries(r.conditions)) {
          const parts = [];
          if (v.normative)
            parts.push(
              `normative ${c}-like score ${v.normative.score.toFixed(2)}, ${pct(v.normative.percentile)} of normal faces`,
            );
          if (v.screen)
            parts.push(
              `screen P = ${v.screen.probability.toFixed(3)} → ${v.screen.decision}` +
                missingNote(v.screen.missingFeatures),
            );
          if (v.withheld) parts.push(`screen withheld: ${v.withheld.code}: ${v.withheld.message}`);
          console.log(`  ${c.padEnd(10)} ${parts.join('; ')}`);
        }
        for (const w of r.warnings ?? []) console.log(`  warning: ${w.code}: ${w.message}`);
        console.log(
          `  most unusual regions: ${r.topRegions.map((t) => `${t.label} (${pct(t.percentile)})`).join(', ')}`,
        );
        for (const [screen, drivers] of Object.entries(r.drivers)) {
          const lead = r.driverLead[screen];
          console.log(
            `  ${screen} screen driven by: ${drivers.map((d) => `${d.label} (${d.importance >= 0 ? '+' : ''}${d.importance.toFixed(3)})`).join(', ')}` +
              ` — ${lead.decisive ? 'decisive' : 'not decisive'} (leads by ${lead.logit.toFixed(2)} logit)`,
          );
        }
        if (r.reference) console.log(`  compared with normal faces: ${r.reference}`);
        for (const [screen, f] of Object.entries(r.figures))
          console.log(`  ${screen} figure: ${f.heatmap ?? f.regions}`);
        console.log('');
      }
      if (opts.out) console.log(`results: ${opts.out}/screen.json`);
    }
    return results.some((r) => r.scored) ? 0 : 1;
  } finally {
    cache?.close();
  }
}

/**
 * A note on a scored screen whose features were partly missing, when filling them moves its
 * probability noticeably (≥ 0.05 between the 5th and 95th percentiles of plausible fills).
 */
function missingNote(m: { count: number; probabilityRange?: [number, number] } | undefined): string {
  const range = m?.probabilityRange;
  if (!m || !range || range[1] - range[0] < 0.05) return '';
  return ` (${m.count} features missing: ${range[0].toFixed(2)}–${range[1].toFixed(2)} with plausible values; decision unchanged)`;
}
