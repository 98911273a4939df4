// Seeded synthetic cohorts for the model tests and bench/train.ts: several photos per subject (a
// subject-level latent plus per-photo noise, so photos of one subject are correlated) and a class
// signal on a few informative columns.
import { createRandom } from '../../src/stats/random.js';
import type { Matrix } from '../../src/model/index.js';

export interface SyntheticOptions {
  subjects: number;
  /** Photos per subject: a number, or [min, max] drawn uniformly. */
  photos: number | [number, number];
  features: number;
  /** Columns that carry the signal (per class beyond the first). */
  informative: number;
  /** Mean shift of the informative columns, in units of the subject-level SD (0 = pure noise). */
  effect: number;
  /** 2 (binary) or more; class k > 0 shifts its own block of informative columns. */
  classes?: number;
  /** Share of subjects in classes > 0 (default 0.4). */
  prevalence?: number;
  seed: number;
  float32?: boolean;
}

export interface SyntheticCohort {
  X: Matrix;
  y: number[];
  groups: string[];
}

export function syntheticCohort(o: SyntheticOptions): SyntheticCohort {
  const rng = createRandom(o.seed);
  const classes = o.classes ?? 2;
  const prevalence = o.prevalence ?? 0.4;
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    // Box–Muller: two normals per pair of uniforms.
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const t = 2 * Math.PI * rng.next();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
  const values: number[] = [];
  const y: number[] = [];
  const groups: string[] = [];
  const latent = new Float64Array(o.features);
  for (let s = 0; s < o.subjects; s++) {
    const label = rng.next() < prevalence ? 1 + rng.nextInt(classes - 1) : 0;
    const k =
      typeof o.photos === 'number' ? o.photos : o.photos[0] + rng.nextInt(o.photos[1] - o.photos[0] + 1);
    for (let j = 0; j < o.features; j++) latent[j] = normal();
    for (let p = 0; p < k; p++) {
      for (let j = 0; j < o.features; j++) {
        const block = Math.floor(j / o.informative) + 1;
        const shift = label > 0 && block === label ? o.effect : 0;
        values.push(latent[j] + shift + 0.5 * normal());
      }
      y.push(label);
      groups.push(`subject-${s}`);
    }
  }
  const data = o.float32 ? Float32Array.from(values) : Float64Array.from(values);
  return { X: { data, rows: y.length, cols: o.features }, y, groups };
}
