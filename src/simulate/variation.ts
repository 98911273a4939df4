import { createHash } from 'node:crypto';
import { EndofaceError } from '../core/index.js';
import { createRandom, normalDraw } from '../stats/index.js';
import { SIGN_NAMES, signsOf, type Condition, type SignName } from './signs.js';

/**
 * Seeded variation between phantoms: each subject gets its own severity (the requested one plus
 * Gaussian jitter, clipped to [min(severity, {@link MIN_JITTERED_SEVERITY}), 1]) and its own mix of
 * signs (each sign's weight scaled by a uniform factor in [1 − signMix, 1 + signMix], clipped to
 * [0, 1]). With jitter = signMix = 0 the seed has no effect.
 */
export interface Variation {
  /** Standard deviation of the severity jitter. Default 0. */
  jitter: number;
  /** Half-width of the relative variation of each sign's weight. Default 0. */
  signMix: number;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/**
 * The lowest severity a jittered draw is clipped to (or the severity asked for, when that is lower):
 * a draw clipped to 0 would be the photo unchanged, yet labelled with its condition. At 0.05 the
 * largest shape sign still moves landmarks by 1–2 px on a 600×800 studio face.
 */
export const MIN_JITTERED_SEVERITY = 0.05;

/** Checks a number option lies in [lo, hi]; the error names the option and the value received. */
export function checkRange(name: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
    throw new EndofaceError(
      name === 'severity' ? 'invalid_severity' : 'invalid_option',
      `${name} must be a number in [${lo}, ${hi}], got ${String(value)}`,
      { parameter: name, value },
    );
  }
  return value;
}

/**
 * The magnitudes one phantom gets: `severity × weight` per sign, varied by the seed. The draws are
 * made in a fixed order — the severity jitter, then one factor per sign of the condition in catalogue
 * order — whatever the weights, so a seed always means the same phantom.
 */
export function variedMagnitudes(
  condition: Condition,
  severity: number,
  weights: Readonly<Record<SignName, number>>,
  seed: number,
  variation: Variation,
): { severity: number; magnitudes: Record<SignName, number> } {
  const random = createRandom(seed);
  const z = normalDraw(random);
  // The floor never exceeds the severity asked for (checkSimulateOptions refuses 0 with jitter).
  const floor = Math.min(severity, MIN_JITTERED_SEVERITY);
  const s = variation.jitter > 0 ? Math.min(1, Math.max(floor, severity + variation.jitter * z)) : severity;
  const magnitudes = Object.fromEntries(SIGN_NAMES.map((n) => [n, 0])) as Record<SignName, number>;
  for (const name of signsOf(condition)) {
    const factor = 1 + variation.signMix * (2 * random.next() - 1);
    magnitudes[name] = clamp01(s * weights[name] * factor);
  }
  return { severity: s, magnitudes };
}

/**
 * A subject's seed: the run's seed and the subject id hashed together (SHA-256, first 32 bits), so
 * a subject keeps its phantom whatever the order or the other subjects of the cohort.
 */
export function subjectSeed(seed: number, subjectId: string): number {
  return createHash('sha256').update(`${seed}\u0000${subjectId}`).digest().readUInt32LE(0);
}
