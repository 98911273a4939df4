/**
 * The pointing-game proof's measurement of what each single-sign phantom changed, per region
 * (`--changes`), written to the cache as changes.json for the report.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFace } from '../../src/face/index.js';
import { REGION_NAMES } from '../../src/face/regions.js';
import { regionLabStats } from '../../src/features/index.js';
import type { SignName } from '../../src/simulate/index.js';
import { readPhantomManifest } from './phantom-cohorts.js';

/**
 * What the simulator changed in each region, over the held-out phantoms: the mean displacement of
 * the region's mesh vertices (from phantoms.json) and the mean colour difference ΔE*ab between the
 * region's mean CIELAB in the phantom and in its control (each photo's own aligned crop and regions).
 */
export async function measureChanges(cache: string, signs: SignName[], heldOut: Set<string>): Promise<void> {
  const out: Record<string, Record<string, { displacementPx: number; deltaE: number }>> = {};
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
    const per: Record<string, { displacementPx: number; deltaE: number }> = {};
    for (const r of REGION_NAMES) per[r] = { displacementPx: 0, deltaE: 0 };
    for (const p of details) {
      for (const r of REGION_NAMES)
        per[r].displacementPx +=
          p.changes.reduce((s, c) => s + (c.byRegion[r]?.meanPx ?? 0), 0) / details.length;
      const phantom = rows.find((x) => x.file === join(dir, p.file))!;
      const control = rows.find((x) => x.subjectId === p.subject_id && x.label === 'control')!;
      const [a, b] = await Promise.all([analyzeFace(phantom.file), analyzeFace(control.file)]);
      const sa = regionLabStats(a.aligned!);
      const sb = regionLabStats(b.aligned!);
      for (const r of REGION_NAMES)
        per[r].deltaE += Math.hypot(sa[r].L - sb[r].L, sa[r].a - sb[r].a, sa[r].b - sb[r].b) / details.length;
    }
    out[sign] = per;
    console.error(`  ${sign}: measured ${details.length} held-out phantoms`);
  }
  writeFileSync(join(cache, 'changes.json'), JSON.stringify(out, null, 2) + '\n');
}
