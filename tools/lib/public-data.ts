/**
 * The public face sets in ../shared/data, as cohorts for the build and proof scripts (never for the
 * library, which knows nothing of them). Each row keeps its set's licence for the metadata.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRandom } from '../../src/stats/index.js';

/** The project's shared folder (public face sets, statistics reference cases): `ENDOFACE_SHARED`, else ../shared beside the repo. */
export const SHARED = process.env.ENDOFACE_SHARED
  ? resolve(process.env.ENDOFACE_SHARED)
  : resolve(import.meta.dirname, '..', '..', '..', 'shared');
/** The public face sets. */
export const DATA = join(SHARED, 'data');

export interface PublicPhoto {
  file: string;
  set: string;
  subjectId: string;
  sex?: 'female' | 'male';
  age?: number;
}

export const SOURCES = {
  'webmorph-3dsk': {
    name: 'webmorph-3dsk (3DSK face set with webmorph templates)',
    licence: 'CC BY 4.0 (derived images; educational use per 3D.sk licence)',
    citation:
      'DeBruine L, Jones B (2020). 3DSK face set with webmorph templates. OSF. doi:10.17605/OSF.IO/A3947',
  },
  'webmorph-canada': {
    name: 'webmorph-canada (Young Adult White Faces with Manipulated Versions)',
    licence: 'CC BY 4.0',
    citation:
      'DeBruine L, Jones B (2017). Young Adult White Faces with Manipulated Versions (v1). figshare. doi:10.6084/m9.figshare.4220517.v1',
  },
  'utkface-crop-part1': {
    name: 'UTKFace (crop_part1)',
    licence: 'non-commercial research only; image copyright stays with the original owners',
    citation:
      'Zhang Z, Song Y, Qi H. Age Progression/Regression by Conditional Adversarial Autoencoder. CVPR 2017',
  },
} as const;
export type PublicSet = keyof typeof SOURCES;

function rows(set: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(DATA, set, 'labels.csv'), 'utf8')
    .trim()
    .split(/\r?\n/);
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

/** The 140 studio faces (one photo per person). */
export function studioPhotos(): PublicPhoto[] {
  return (['webmorph-3dsk', 'webmorph-canada'] as const).flatMap((set) =>
    rows(set).map((r) => ({
      file: join(DATA, set, r.file),
      set,
      subjectId: `${set}:${r.face_id}`,
      sex: r.sex as 'female' | 'male',
      age: Number(r.age),
    })),
  );
}

/**
 * UTKFace photos matching `filter`, at most `perStratum` per stratum (seeded sample). UTKFace has no
 * identity column: each photo is its own subject, and a person may appear twice (said wherever used).
 */
export function utkPhotos(options: {
  filter: (p: PublicPhoto) => boolean;
  stratum: (p: PublicPhoto) => string;
  perStratum: number;
  seed?: number;
}): PublicPhoto[] {
  const all = rows('utkface-crop-part1').map((r) => ({
    file: join(DATA, 'utkface-crop-part1', r.file),
    set: 'utkface-crop-part1',
    subjectId: `utk:${r.file}`,
    sex: r.sex as 'female' | 'male',
    age: Number(r.age),
  }));
  const rnd = createRandom(options.seed ?? 7);
  const groups = new Map<string, PublicPhoto[]>();
  for (const p of all.filter(options.filter))
    (groups.get(options.stratum(p)) ?? groups.set(options.stratum(p), []).get(options.stratum(p))!).push(p);
  const out: PublicPhoto[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    for (let i = g.length - 1; i > 0; i--) {
      const j = rnd.nextInt(i + 1);
      [g[i], g[j]] = [g[j], g[i]];
    }
    out.push(...g.slice(0, options.perStratum));
  }
  return out;
}
