/**
 * The saved pointing-game photos, as replays read them: each sign's phantoms and the unmodified
 * photos (manifests of research/pointing-game/proof-pointing-game.ts), their saved masked rows, and a sign's
 * training side of an identity split (phantoms, normal faces and their normative model). Shared by
 * research/pointing-game/proof-pointing-game-screens.ts and research/feature-occlusion/experiment-feature-occlusion.ts.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { normativeReference, type FeatureReference } from '../../../src/explain/engine/index.js';
import type { FeatureSetName } from '../../../src/features/index.js';
import { fitNormativeModel } from '../../../src/model/index.js';
import { SIGN_NAMES, SIMULATOR_VERSION, type SignName } from '../../../src/simulate/index.js';
import { readPhantomManifest, type PhantomRow } from '../../../tools/lib/phantom-cohorts.js';
import { readMaskedPhoto, type MaskedPhoto } from './pointing-game-masked.js';
import { devSplit, identitySplit, type Split } from './pointing-game-splits.js';
import type { Training } from './pointing-game-variants.js';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const CACHE = join(ROOT, '.cache', 'pointing-game', SIMULATOR_VERSION, 'severity-1');
export const MASKED = join(CACHE, 'masked');
export const SPLITS: Record<string, Split> = { development: devSplit(), 'held-out': identitySplit(0) };

export type SignRows = Map<SignName, { phantoms: PhantomRow[]; controls: PhantomRow[] }>;

/** Each sign's phantoms, and its unmodified photos (the same bytes in every sign's folder). */
export function manifestRows(): SignRows {
  const out: SignRows = new Map();
  for (const sign of SIGN_NAMES) {
    const manifest = join(CACHE, sign, 'manifest.csv');
    if (!existsSync(manifest))
      throw new Error(
        `${manifest} is missing: run npx tsx research/pointing-game/proof-pointing-game.ts first`,
      );
    const rows = readPhantomManifest(manifest);
    out.set(sign, {
      phantoms: rows.filter((r) => r.label !== 'control'),
      controls: rows.filter((r) => r.label === 'control'),
    });
  }
  return out;
}

/** Reads saved maskings (each file once: the controls serve every sign) and builds training sides. */
export function createReplay(rows: SignRows) {
  const saved = new Map<string, MaskedPhoto | undefined>();
  const readOnce = (group: string, row: PhantomRow): MaskedPhoto | undefined => {
    const key = `${group}/${row.file}`;
    if (!saved.has(key)) saved.set(key, readMaskedPhoto(MASKED, group, row));
    return saved.get(key);
  };
  /** A sign's saved phantoms, or its saved controls (only identities the sign's own manifest has, as the proof). */
  const load = (sign: SignName, what: 'phantoms' | 'controls'): MaskedPhoto[] => {
    const group = what === 'phantoms' ? sign : 'controls';
    const listed = rows.get(sign)![what];
    return listed.map((r) => readOnce(group, r)).filter((p): p is MaskedPhoto => p !== undefined);
  };
  /** A sign's training side of a split: its phantoms, the normal faces, their normative model. */
  const trainingOf = (split: Split, sign: SignName, sets: FeatureSetName[]): Training => {
    const inA = new Set(split.A.map((p) => p.subjectId));
    const controls = load(sign, 'controls').filter((p) => inA.has(p.subjectId));
    const normative = fitNormativeModel(
      controls.map((p) => ({ sex: p.sex, age: p.age, morphometrics: p.morphometrics, colour: p.colour })),
      { minStratumSize: 30 },
    );
    const references = new Map<MaskedPhoto, FeatureReference>();
    return {
      sets,
      sign,
      rows: [...load(sign, 'phantoms').filter((p) => inA.has(p.subjectId)), ...controls],
      controls,
      normative,
      reference: (p) => {
        if (!references.has(p)) references.set(p, normativeReference(normative, p));
        return references.get(p)!;
      },
    };
  };
  return { readOnce, load, trainingOf };
}
