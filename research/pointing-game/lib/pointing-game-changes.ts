/**
 * The pointing-game proof's measurement of what each single-sign phantom changed, per region
 * (`--changes`), written to the cache as changes.json for the report.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFace } from '../../../src/face/index.js';
import { REGION_NAMES, regionIndices } from '../../../src/face/regions.js';
import { regionLabStats } from '../../../src/features/index.js';
import type { SignName } from '../../../src/simulate/index.js';
import { readPhantomManifest } from '../../../tools/lib/phantom-cohorts.js';

/**
 * What the simulator changed in each region, over the held-out phantoms: the mean displacement of
 * the region's mesh vertices (from phantoms.json), the same as the face mesh detected it (the mean
 * distance between a vertex found on the phantom and on its control, photo pixels: the simulated
 * change seen through the detector's shape prior, plus its jitter), and the mean colour difference
 * ΔE*ab between the region's mean CIELAB in the phantom and in its control (each photo's own aligned
 * crop and regions).
 */
export async function measureChanges(cache: string, signs: SignName[], heldOut: Set<string>): Promise<void> {
  type Change = { displacementPx: number; detectedPx: number; deltaE: number };
  const out: Record<string, Record<string, Change>> = {};
  const indices = REGION_NAMES.map((r) => regionIndices(r));
  for (const sign of signs) {
    const dir = join(cache, sign);
    const details = (
      JSON.parse(readFileSync(join(dir, 'phantoms.json'), 'utf8')) as {
        phantoms: {
          file: string;
          subject_id: string;
          changes: { byRegion: Record<string, { meanPx: number }> }[];
        }[];
      }
    ).phantoms.filter((p) => heldOut.has(p.subject_id));
    const rows = readPhantomManifest(join(dir, 'manifest.csv'));
    const per: Record<string, Change> = {};
    for (const r of REGION_NAMES) per[r] = { displacementPx: 0, detectedPx: 0, deltaE: 0 };
    for (const p of details) {
      for (const r of REGION_NAMES)
        per[r].displacementPx +=
          p.changes.reduce((s, c) => s + (c.byRegion[r]?.meanPx ?? 0), 0) / details.length;
      const phantom = rows.find((x) => x.file === join(dir, p.file))!;
      const control = rows.find((x) => x.subjectId === p.subject_id && x.label === 'control')!;
      const [a, b] = await Promise.all([analyzeFace(phantom.file), analyzeFace(control.file)]);
      const sa = regionLabStats(a.aligned!);
      const sb = regionLabStats(b.aligned!);
      const [ma, mb] = [a.primary!.meshPx, b.primary!.meshPx];
      REGION_NAMES.forEach((r, k) => {
        per[r].deltaE += Math.hypot(sa[r].L - sb[r].L, sa[r].a - sb[r].a, sa[r].b - sb[r].b) / details.length;
        const moved = indices[k].reduce(
          (s, v) => s + Math.hypot(ma[v][0] - mb[v][0], ma[v][1] - mb[v][1]),
          0,
        );
        per[r].detectedPx += moved / Math.max(1, indices[k].length) / details.length;
      });
    }
    out[sign] = per;
    console.error(`  ${sign}: measured ${details.length} held-out phantoms`);
  }
  writeFileSync(join(cache, 'changes.json'), JSON.stringify(out, null, 2) + '\n');
}
