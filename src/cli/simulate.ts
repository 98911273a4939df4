/**
 * `endoface simulate`: a thin shell over `simulateCohort` — parses the flags, runs, prints the
 * counts, where the manifest went and which photos were skipped. No image science here.
 */
import { basename } from 'node:path';
import { EndofaceError } from '../core/errors.js';
import { CONDITIONS, simulateCohort, type CohortOptions } from '../simulate/index.js';
import { checkRange } from '../simulate/variation.js';
import { lookUpOption } from '../util/options.js';
import { createProgress } from './progress.js';

/** The flags as commander hands them over (strings). */
export interface SimulateFlags {
  in: string;
  condition: string;
  severity: string;
  out: string;
  signs?: string;
  seed: string;
  jitter: string;
  signMix: string;
  includeControls?: boolean;
  format: string;
}

/** A number flag in [lo, hi]; the error names the flag and the text received. */
function numberFlag(flag: string, text: string, lo: number, hi: number): number {
  // Decimal numbers only: Number() would also take "0x1" or "1e0x", and report "abc" as NaN.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim()))
    throw new EndofaceError('invalid_option', `${flag} must be a number in [${lo}, ${hi}], got "${text}"`, {
      parameter: flag,
      value: text,
    });
  return checkRange(flag, Number(text), lo, hi);
}

/** {@link numberFlag} that must also be whole (a seed). */
function wholeFlag(flag: string, text: string, lo: number, hi: number): number {
  const v = numberFlag(flag, text, lo, hi);
  if (!Number.isInteger(v))
    throw new EndofaceError('invalid_option', `${flag} must be a whole number, got "${text}"`, {
      parameter: flag,
      value: text,
    });
  return v;
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
    out[m[1]] = m[2] === undefined ? 1 : numberFlag(`--signs ${m[1]}`, m[2], 0, 1);
  }
  return out;
}

/** Converts the flags into cohort options, refusing bad values with the flag's name. */
export function parseSimulateFlags(flags: SimulateFlags): Omit<CohortOptions, 'onProgress'> {
  return {
    input: flags.in,
    outDir: flags.out,
    condition: lookUpOption('--condition', flags.condition, CONDITIONS),
    severity: numberFlag('--severity', flags.severity, 0, 1),
    signs: flags.signs === undefined ? undefined : parseSigns(flags.signs),
    seed: wholeFlag('--seed', flags.seed, 0, 2 ** 53),
    jitter: numberFlag('--jitter', flags.jitter, 0, 1),
    signMix: numberFlag('--sign-mix', flags.signMix, 0, 1),
    includeControls: flags.includeControls === true,
    format: lookUpOption('--format', flags.format, ['jpeg', 'png'] as const),
  };
}

/** `endoface simulate`: exit 0 when at least one phantom was written, 1 otherwise. */
export async function simulateCommand(flags: SimulateFlags): Promise<number> {
  const options = parseSimulateFlags(flags);
  const progress = createProgress('simulate');
  const result = await simulateCohort({
    ...options,
    // Said at once, not at the end: a run that dies part-way must still say where the earlier one went.
    onEarlierRun: (note) => console.error(`note: ${note}`),
    onNote: (note) => console.error(`note: ${note}`),
    onProgress: (done, total, file) => progress.update(done, total, file ? basename(file) : ''),
  });
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
