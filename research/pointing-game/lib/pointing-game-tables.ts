/**
 * The pointing-game proof's shared pieces: the results' shape, each sign's target regions, and the
 * per-sign table every run (70 / 70 split, cross-fitted) is reported in.
 */
import { mirrorRegion, type RegionName } from '../../../src/face/regions.js';
import { SIGNS, type SignName } from '../../../src/simulate/index.js';

/** Per sign, per screen: the run's numbers (see `run` in the script); `meta` holds the run time. */
export type Results = Record<string, Record<string, unknown>>;

/** Targets of a sign: its regions, plus the mirror of any sided region (all current signs list both). */
export function targetsOf(sign: SignName): Set<RegionName> {
  return new Set(SIGNS[sign].regions.flatMap((r) => [r, mirrorRegion(r)]));
}

/** Per sign: the hit rate, its interval, detection, ranks, AUC and where the misses pointed (one screen). */
export function signTable(res: Results, configName: string, signs: SignName[]): string[] {
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const lines = [
    '| sign | target regions | pointing game | 95 % CI | detected (≥ 0.5) | hits among detected | median rank of best target | held-out AUC | top region when missed |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const sign of signs) {
    const r = res[sign]?.[configName] as
      | {
          n: number;
          hits: number;
          pointingGame: { lower: number | null; upper: number | null };
          detected: number;
          hitsAmongDetected: number;
          medianBestTargetRank: number;
          heldOutAuc: number;
          missTops: Record<string, number>;
        }
      | undefined;
    if (!r) continue;
    const misses = Object.entries(r.missTops)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, v]) => `${k} (${v})`)
      .join(', ');
    lines.push(
      `| ${sign} | ${[...targetsOf(sign)].join(', ')} | **${r.hits}/${r.n} = ${pct(r.hits / r.n)}** | ${pct(r.pointingGame.lower ?? 0)}–${pct(r.pointingGame.upper ?? 0)} | ${r.detected}/${r.n} | ${r.detected ? pct(r.hitsAmongDetected / r.detected) : '–'} | ${r.medianBestTargetRank} | ${r.heldOutAuc.toFixed(3)} | ${misses || '–'} |`,
    );
  }
  lines.push('');
  return lines;
}
