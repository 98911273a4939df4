/**
 * Phantom cohorts for the default model and its validation report: identities split once, by a seeded
 * shuffle stratified by sex, into training identities and held-out identities that the default
 * screens never see. Phantoms are made with the simulator and cached on disk under .cache/phantoms
 * (deterministic: same photos, seeds and simulator version → same files).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCsv } from '../../src/io/csv-read.js';
import { createRandom } from '../../src/stats/index.js';
import { runSimulate } from '../../src/jobs/index.js';
import { SIMULATOR_VERSION, type Condition } from '../../src/simulate/index.js';
import { studioPhotos, utkPhotos, type PublicPhoto } from './public-data.js';
import { ageBandOf, type Sex } from '../../src/model/index.js';

export const PHANTOM_DIR = resolve(import.meta.dirname, '..', '..', '.cache', 'phantoms', SIMULATOR_VERSION);

function shuffled<T>(items: T[], seed: number): T[] {
  const rnd = createRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rnd.nextInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** UTKFace adults sampled per sex × age band (the same seeded shuffle for every size, so a larger sample extends a smaller one). */
export function utkAdults(perStratum: number): PublicPhoto[] {
  return utkPhotos({
    filter: (p) => (p.age ?? 0) >= 18,
    stratum: (p) => `${p.sex}|${ageBandOf(p.age)}`,
    perStratum,
    seed: 31,
  });
}

/** Studio identities: half for training, half held out (per sex). UTKFace adults join the training side only. */
export function identitySplit(): { train: PublicPhoto[]; heldOut: PublicPhoto[] } {
  const studio = studioPhotos();
  const train: PublicPhoto[] = [];
  const heldOut: PublicPhoto[] = [];
  for (const sex of ['female', 'male']) {
    const s = shuffled(
      studio.filter((p) => p.sex === sex),
      2024,
    );
    train.push(...s.slice(0, s.length / 2));
    heldOut.push(...s.slice(s.length / 2));
  }
  return { train: [...train, ...utkAdults(40)], heldOut };
}

function writeManifest(path: string, photos: PublicPhoto[]): void {
  mkdirSync(resolve(path, '..'), { recursive: true });
  const lines = [
    'file,subject_id,sex,age',
    ...photos.map((p) => `${p.file},${p.subjectId},${p.sex ?? ''},${p.age ?? ''}`),
  ];
  writeFileSync(path, lines.join('\n') + '\n');
}

export interface PhantomRow {
  file: string;
  subjectId: string;
  label: string;
  condition: string;
  severity: number;
  sex?: string;
  age?: number;
}

/** A manifest's sex column as the models take it (anything else: unknown). */
export function sexOf(sex?: string): Sex | undefined {
  return sex === 'female' || sex === 'male' ? sex : undefined;
}

/** Reads a simulate manifest (paths relative to it). */
export function readPhantomManifest(path: string): PhantomRow[] {
  const t = parseCsv(readFileSync(path, 'utf8'), path);
  const c = (n: string): number => t.header.indexOf(n);
  return t.rows.map((r) => ({
    file: join(resolve(path, '..'), r[c('file')]),
    subjectId: r[c('subject_id')],
    label: r[c('label')],
    condition: r[c('condition')],
    severity: Number(r[c('severity')]),
    sex: r[c('sex')] || undefined,
    age: r[c('age')] ? Number(r[c('age')]) : undefined,
  }));
}

/**
 * Phantoms of `photos` for one condition (and, with `includeControls`, their unmodified copies through
 * the same encoder), made once and reused.
 */
export async function phantomCohort(
  name: string,
  photos: PublicPhoto[],
  options: {
    condition: Condition;
    severity: number;
    jitter?: number;
    signMix?: number;
    includeControls?: boolean;
    seed?: number;
  },
): Promise<PhantomRow[]> {
  const dir = join(PHANTOM_DIR, name);
  const manifest = join(dir, 'manifest.csv');
  if (!existsSync(manifest)) {
    const input = join(PHANTOM_DIR, `${name}.input.csv`);
    writeManifest(input, photos);
    const started = Date.now();
    const r = await runSimulate(
      {
        input,
        outDir: dir,
        condition: options.condition,
        severity: options.severity,
        jitter: options.jitter ?? 0,
        signMix: options.signMix ?? 0,
        includeControls: options.includeControls ?? false,
        seed: options.seed ?? 1,
      },
      {
        onProgress: ({ done: d, total: t }) => {
          if (d % 50 === 0 || d === t)
            process.stderr.write(
              `  phantoms ${name}: ${d}/${t} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
            );
        },
      },
    );
    if (r.skipped.length)
      console.error(
        `  ${name}: ${r.skipped.length} photos skipped (${[...new Set(r.skipped.map((s) => s.code))].join(', ')})`,
      );
  }
  return readPhantomManifest(manifest);
}
