/**
 * Builds assets/canonical-mesh.json: the mean 468-point mesh of the 140 studio faces
 * (webmorph-3dsk + webmorph-canada, CC BY 4.0) in aligned-crop coordinates (fractions of the crop
 * side; z in units of the crop side). Named regions are defined on it (src/face/regions.ts).
 * Deterministic: same photos, same models → same file. Usage: npx tsx tools/build-canonical-mesh.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA } from './lib/public-data.js';
import { analyzeFace } from '../src/face/index.js';

const sets = ['webmorph-3dsk', 'webmorph-canada'];
const sum = Array.from({ length: 468 }, () => [0, 0, 0]);
let n = 0;
for (const set of sets) {
  for (const row of readFileSync(join(DATA, set, 'labels.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)) {
    const a = await analyzeFace(join(DATA, set, row.split(',')[0]));
    if (!a.aligned || !a.primary) throw new Error(`no face in ${row}`);
    const size = a.aligned.image.width;
    const scale = Math.hypot(a.aligned.photoToCrop[0], a.aligned.photoToCrop[3]);
    for (let i = 0; i < 468; i++) {
      sum[i][0] += a.aligned.meshCrop[i][0] / size;
      sum[i][1] += a.aligned.meshCrop[i][1] / size;
      sum[i][2] += (a.primary.meshPx[i][2] * scale) / size;
    }
    n++;
  }
}
const round = (v: number): number => Number(v.toFixed(5));
const out = {
  description:
    'Mean 468-point face mesh in aligned-crop coordinates (x, y as fractions of the crop side; z relative depth, same unit).',
  source: `${n} studio faces: webmorph-3dsk (DeBruine & Jones 2020, doi:10.17605/OSF.IO/A3947) and webmorph-canada (DeBruine & Jones 2017, doi:10.6084/m9.figshare.4220517.v1)`,
  licence: 'CC BY 4.0 (derived statistics of the source images)',
  generatedBy: 'tools/build-canonical-mesh.ts',
  points: sum.map((p) => p.map((v) => round(v / n))),
};
writeFileSync('assets/canonical-mesh.json', JSON.stringify(out) + '\n');
console.log(`wrote assets/canonical-mesh.json from ${n} faces`);
