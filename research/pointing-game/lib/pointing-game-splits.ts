/**
 * How the pointing-game proof splits the studio identities: a training side A whose phantoms train
 * the screen, and a side B whose phantoms are explained. Always by identity and within sex, so no
 * screen explains a face it was trained on.
 */
import { shuffleInPlace } from '../../../src/model/splits.js';
import { createRandom } from '../../../src/stats/index.js';
import { utkAdults } from '../../../tools/lib/phantom-cohorts.js';
import { studioPhotos, type PublicPhoto } from '../../../tools/lib/public-data.js';

export interface Split {
  A: PublicPhoto[];
  B: PublicPhoto[];
}

/**
 * Studio identities split 70 / 70 by a seeded shuffle within each sex; UTKFace adults (no identity
 * labels, one photo each, 200 × 200 crops) join the training side only, so every held-out identity
 * is a studio face the screens never saw.
 */
export function identitySplit(utkPerStratum: number): Split {
  const rng = createRandom(20240606);
  const A: PublicPhoto[] = [];
  const B: PublicPhoto[] = [];
  for (const sex of ['female', 'male']) {
    const s = studioPhotos().filter((p) => p.sex === sex);
    shuffleInPlace(s, rng);
    A.push(...s.slice(0, s.length / 2));
    B.push(...s.slice(s.length / 2));
  }
  if (utkPerStratum > 0) A.push(...utkAdults(utkPerStratum));
  return { A, B };
}

/** The studio identities dealt into K folds within each sex, in the seeded order of identitySplit. */
export function crossFitSplits(k: number): Split[] {
  const { A, B } = identitySplit(0);
  const ordered = [...A, ...B].filter((p) => p.set !== 'utkface-crop-part1');
  const fold = new Map<string, number>();
  for (const sex of ['female', 'male'])
    ordered.filter((p) => p.sex === sex).forEach((p, i) => fold.set(p.subjectId, i % k));
  return Array.from({ length: k }, (_, f) => ({
    A: ordered.filter((p) => fold.get(p.subjectId) !== f),
    B: ordered.filter((p) => fold.get(p.subjectId) === f),
  }));
}

/** The training identities split again, half within each sex for training, half to explain. */
export function devSplit(): Split {
  const { A } = identitySplit(0);
  const studio = A.filter((p) => p.set !== 'utkface-crop-part1');
  const halves = { A: [] as PublicPhoto[], B: [] as PublicPhoto[] };
  for (const sex of ['female', 'male']) {
    const s = studio.filter((p) => p.sex === sex);
    halves.A.push(...s.slice(0, Math.ceil(s.length / 2)));
    halves.B.push(...s.slice(Math.ceil(s.length / 2)));
  }
  return halves;
}
