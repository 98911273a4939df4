/**
 * `endoface simulate`: a thin shell over `simulateCohort` — parses the flags, runs, prints the
 * counts, where the manifest went and which photos were skipped. No image science here.
 */
import { EndofaceError } from '../core/index.js';
import { CONDITIONS, runSimulate, type SimulateRequest } from '../jobs/index.js';
import { lookUpOption } from '../util/index.js';
import { jobContext } from './context.js';
import { number } from './flags.js';
import { createProgress } from './progress.js';

/** The flags as parsed by commands.ts. */
export interface SimulateFlags {
  in: string;
  condition: string;
  severity: number;
  out: string;
  signs?: string;
  seed: number;
  jitter: number;
  signMix: number;
  includeControls?: boolean;
  format: string;
}

/** `nose_widening=1,lip_thickening=0` → { nose_widening: 1, lip_thickening: 0 } (names are checked by the library). */
function parseSigns(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z_]+)(?:=(.+))?$/.exec(part);
    if (!m) {
      throw new EndofaceError(
        'invalid_option',
        `--signs: "${part}" is not name=weight (e.g. nose_widening=1)`,
        {
          parameter: '--signs',
          value: text,
        },
      );
    }
    out[m[1]] = m[2] === undefined ? 1 : number(`--signs ${m[1]}`, { min: 0, max: 1 })(m[2]);
  }
  return out;
}

/** Converts the flags into the job's request, refusing bad values with the flag's name. */
export function simulateRequest(flags: SimulateFlags): SimulateRequest {
  return {
    input: flags.in,
    outDir: flags.out,
    condition: lookUpOption('--condition', flags.condition, CONDITIONS),
    severity: flags.severity,
    signs: flags.signs === undefined ? undefined : parseSigns(flags.signs),
    seed: flags.seed,
    jitter: flags.jitter,
    signMix: flags.signMix,
    includeControls: flags.includeControls === true,
    format: lookUpOption('--format', flags.format, ['jpeg', 'png'] as const),
  };
}

/** `endoface simulate`: exit 0 when at least one phantom was written, 1 otherwise. */
export async function simulateCommand(flags: SimulateFlags): Promise<number> {
  const options = simulateRequest(flags);
  const progress = createProgress('simulate');
  const result = await runSimulate(options, jobContext(progress));
  progress.done();
  console.log(
    `${result.total} photos: ${result.phantoms} phantoms (${options.condition}), ${result.controls} controls, ${result.skipped.length} skipped` +
      (result.phantoms > 0 ? `; ${result.meanSimulateMs.toFixed(0)} ms per phantom` : ''),
  );
  console.log(`manifest: ${result.manifestPath}`);
  if (result.skipped.length > 0) {
    console.log('\nskipped:');
    for (const s of result.skipped) console.log(`  ${s.file}  ${s.code}: ${s.message}`);
  }
  return result.phantoms > 0 ? 0 : 1;
}
