/**
 * A diagnostic for the pointing game: are misses made by the regions themselves? Regions are drawn
 * on the mesh the detector finds on the phantom, and the mesh model follows a grown feature only in
 * part (alar width +3.4 % found for +24 % drawn), so a grown feature's pixels may lie in a
 * neighbour's region. Here each phantom is made again (same photo, sign and seed: byte-identical)
 * to recover where the simulator put every vertex, and its regions are drawn on that mesh instead;
 * everything else (screen, fill, features) stays as `attributeRegions` has it.
 */
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import {
  prepareFace,
  regionPerturbations,
  scorePerturbations,
  type ExplainTarget,
} from '../../src/explain/index.js';
import type { DescriptorRunner } from '../../src/explain/descriptor-runner.js';
import { analyzeFace } from '../../src/face/index.js';
import { REGION_NAMES, regionLabelMap, type RegionName } from '../../src/face/regions.js';
import type { Bundle } from '../../src/model/index.js';
import { simulatePhenotype, SIGNS, type SignName } from '../../src/simulate/index.js';
import { applyAffine } from '../../src/util/geometry.js';
import type { PhantomRow } from './phantom-cohorts.js';
import { strictHit } from './pointing-game-screen.js';

/** Hits with the regions drawn on the simulator's mesh, and where the misses pointed. */
export async function trueMeshHits(
  dir: string,
  sign: SignName,
  rows: readonly PhantomRow[],
  bundle: Bundle,
  target: ExplainTarget,
  targets: Set<RegionName>,
  runner: DescriptorRunner,
): Promise<{ hits: number; n: number; missTops: Record<string, number> }> {
  const details = (
    JSON.parse(readFileSync(join(dir, 'phantoms.json'), 'utf8')) as {
      phantoms: { file: string; source_file: string; seed: number }[];
    }
  ).phantoms;
  const out = { hits: 0, n: 0, missTops: {} as Record<string, number> };
  for (const row of rows) {
    const d = details.find((x) => join(dir, x.file) === row.file);
    if (!d) continue;
    const made = await simulatePhenotype(resolve(dir, d.source_file), {
      condition: SIGNS[sign].condition,
      severity: 1,
      signs: { [sign]: 1 },
      seed: d.seed,
    });
    const sex = row.sex === 'female' || row.sex === 'male' ? row.sex : undefined;
    const face = await prepareFace(bundle, target, await analyzeFace(row.file), { sex, age: row.age });
    const { width, height } = face.aligned.image;
    const labels = regionLabelMap(
      made.meshPx.map((q) => applyAffine(face.aligned.photoToCrop, q)),
      width,
      height,
    );
    const regionPixels = new Int32Array(REGION_NAMES.length);
    const faceMask = new Uint8Array(labels.length);
    labels.forEach((l, i) => {
      if (l >= 0) {
        regionPixels[l]++;
        faceMask[i] = 1;
      }
    });
    const onTrueMesh = { ...face, labels, regionPixels, faceMask };
    const s = await scorePerturbations(target, onTrueMesh, regionPerturbations(onTrueMesh), runner);
    const values = REGION_NAMES.map((region, k) => ({ region, value: s[0] - s[k + 1] }));
    out.n++;
    if (strictHit(values, targets)) out.hits++;
    else {
      const top = values.reduce((b, v) => (v.value > b.value ? v : b)).region;
      out.missTops[top] = (out.missTops[top] ?? 0) + 1;
    }
  }
  return out;
}
