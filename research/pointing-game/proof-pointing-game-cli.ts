/**
 * The pointing game through the explainer end to end, as `endoface explain` runs it: the proof's
 * phantoms and identity split (research/pointing-game/proof-pointing-game.ts), its screen on faceres +
 * morphometrics + colour trained on the training identities A, and every held-out phantom of B
 * explained by `createExplainer` with a region method (default: the explainer's own default,
 * `combined` for this FaceRes screen) — first without a baseline (feature occlusion towards the
 * shipped mean map), then with one measured on A's unmodified photos (`measureBaseline`, as
 * `--baseline normals/` does: their own mean map, each normal face against the others').
 * The replay of experiment-feature-occlusion.md computes the same from saved rows; this checks it.
 * Per-sign results are cached; writes research/pointing-game/proof-pointing-game-cli.md.
 * Usage: npx tsx research/pointing-game/proof-pointing-game-cli.ts [--signs a,b] [--region-method combined|feature|pixel]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createExplainer, type RegionAttribution } from '../../src/explain/index.js';
import type { FaceFeatures, FeatureSetName } from '../../src/features/index.js';
import { SIGN_NAMES, SIMULATOR_VERSION, type SignName } from '../../src/simulate/index.js';
import { wilsonInterval } from '../../src/stats/index.js';
import { SOFTWARE_VERSION } from '../../src/core/version.js';
import { extractCohort } from '../../tools/lib/extract-cohort.js';
import { readPhantomManifest, sexOf, type PhantomRow } from '../../tools/lib/phantom-cohorts.js';
import { splitCohort, trainSignScreen } from './lib/pointing-game-cohort.js';
import { CACHE } from './lib/pointing-game-replay.js';
import { rankingValues } from './lib/pointing-game-saved.js';
import { strictHit, tiedFirst } from './lib/pointing-game-screen.js';
import { identitySplit } from './lib/pointing-game-splits.js';
import { targetsOf } from './lib/pointing-game-tables.js';

const { values: args } = parseArgs({
  options: { signs: { type: 'string' }, 'region-method': { type: 'string' } },
});
const SIGNS_RUN = (args.signs?.split(',') ?? [...SIGN_NAMES]) as SignName[];
const METHOD = args['region-method'] as 'pixel' | 'feature' | 'combined' | undefined;
const SETS: FeatureSetName[] = ['faceres', 'morphometrics', 'colour'];
const OUT = join(import.meta.dirname, 'proof-pointing-game-cli.md');
const resultFile = (sign: SignName) => join(CACHE, `cli-${METHOD ?? 'default'}-${sign}.json`);

interface Tally {
  hits: number;
  n: number;
  decisive: number;
  decisiveHits: number;
  misses: Record<string, number>;
}
interface SignResult {
  software: string;
  method: string;
  plain: Tally;
  contrast: Tally;
  baselineFailed: number;
}

function tally(attributions: RegionAttribution[], sign: SignName): Tally {
  const t: Tally = { hits: 0, n: attributions.length, decisive: 0, decisiveHits: 0, misses: {} };
  for (const a of attributions) {
    const values = rankingValues(a);
    const hit = strictHit(values, targetsOf(sign));
    if (hit) t.hits++;
    else for (const top of tiedFirst(values)) t.misses[top] = (t.misses[top] ?? 0) + 1;
    if (a.lead.decisive) {
      t.decisive++;
      if (hit) t.decisiveHits++;
    }
  }
  return t;
}

async function runSign(sign: SignName): Promise<SignResult> {
  const rows = readPhantomManifest(join(CACHE, sign, 'manifest.csv'));
  const extracted = await extractCohort(rows, SETS, { label: sign });
  const byFile = new Map<string, FaceFeatures>(extracted.map((e) => [e.photo.file, e.features]));
  const c = splitCohort(rows, byFile, identitySplit(0));
  const { bundle } = trainSignScreen(sign, SETS, c);
  const explainer = await createExplainer({
    model: bundle,
    regionMethod: METHOD,
    heatmap: 'none',
    saliency: false,
    sanity: false,
  });
  try {
    const phantoms = c.heldOut.filter((r) => r.label !== 'control');
    const explainAll = async (what: string) => {
      const out: RegionAttribution[] = [];
      for (const [i, r] of phantoms.entries()) {
        const { explanation } = await explainer.explain(r.file, { sex: sexOf(r.sex), age: r.age });
        out.push(explanation.regions);
        if ((i + 1) % 10 === 0) console.error(`  ${sign} ${what}: ${i + 1}/${phantoms.length}`);
      }
      return out;
    };
    const plain = await explainAll('no baseline');
    const normals = c.train.filter((r: PhantomRow) => r.label === 'control');
    const { baseline, failed } = await explainer.measureBaseline(
      normals.map((r) => ({ file: r.file, sex: sexOf(r.sex), age: r.age })),
    );
    explainer.useBaseline(baseline);
    const contrasted = await explainAll('baseline');
    return {
      software: SOFTWARE_VERSION,
      method: plain[0]?.method ?? '',
      plain: tally(plain, sign),
      contrast: tally(contrasted, sign),
      baselineFailed: failed.length,
    };
  } finally {
    await explainer.dispose();
  }
}

const results = new Map<SignName, SignResult>();
for (const sign of SIGN_NAMES) {
  const file = resultFile(sign);
  if (SIGNS_RUN.includes(sign) && !existsSync(file)) {
    const t0 = Date.now();
    writeFileSync(file, JSON.stringify(await runSign(sign)) + '\n');
    console.error(`${sign}: ${((Date.now() - t0) / 60000).toFixed(1)} min`);
  }
  if (existsSync(file)) results.set(sign, JSON.parse(readFileSync(file, 'utf8')) as SignResult);
}

const pct = (t: Tally) => {
  const ci = wilsonInterval(t.hits, t.n);
  const cell = `${t.hits}/${t.n} = ${((100 * t.hits) / t.n).toFixed(1)} %`;
  return `${t.hits >= 0.9 * t.n ? `**${cell}**` : cell} (${(100 * (ci.lower ?? 0)).toFixed(0)}–${(100 * (ci.upper ?? 1)).toFixed(0)} %)`;
};
const missed = (t: Tally) =>
  Object.entries(t.misses)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ${n}`)
    .join(', ') || '–';
const done = SIGN_NAMES.filter((s) => results.has(s));
const sum = (k: 'plain' | 'contrast', f: keyof Omit<Tally, 'misses'>) =>
  done.reduce((a, s) => a + results.get(s)![k][f], 0);
const lines = [
  '# Proof, end to end: the pointing game through `endoface explain`',
  '',
  '_Generated by `npx tsx research/pointing-game/proof-pointing-game-cli.ts` — do not edit by hand._',
  '',
  `Simulator ${SIMULATOR_VERSION}, severity 1; the phantoms, identity split (70 training identities A, 70 held-out B) and`,
  "screen (faceres + morphometrics + colour, trained on A's phantoms against A's unmodified photos) of",
  '[proof-pointing-game.md](proof-pointing-game.md). Every held-out phantom is explained by `createExplainer` — what',
  `\`endoface explain\` runs — with ${METHOD ? `region method \`${METHOD}\`` : "the explainer's default region method"} (attributions: \`${results.get(done[0])?.method ?? '?'}\`),`,
  'first as it comes (feature occlusion towards the shipped mean map of the 140 studio faces, among them the',
  "held-out identities' unmodified photos), then with a baseline measured on A's unmodified photos (`--baseline`:",
  'their own mean map, each normal face occluded towards the others). A hit: the first region is one the sign',
  'changed (ties must all be). Intervals: Wilson 95 %. Target ≥ 90 % per sign. The replay of',
  '[experiment-feature-occlusion.md](../feature-occlusion/experiment-feature-occlusion.md) computes the same from saved rows',
  '(there the normal faces are occluded towards a mean that includes their own map).',
  '',
  '| sign | target regions | without baseline | misses | with baseline | misses | decisive (baseline): first is the target |',
  '|---|---|---|---|---|---|---|',
  ...done.map((s) => {
    const r = results.get(s)!;
    return `| ${s} | ${[...targetsOf(s)].join(', ')} | ${pct(r.plain)} | ${missed(r.plain)} | ${pct(r.contrast)} | ${missed(r.contrast)} | ${r.contrast.decisiveHits}/${r.contrast.decisive} |`;
  }),
  `| all (${done.length} signs) | | ${sum('plain', 'hits')}/${sum('plain', 'n')} | | ${sum('contrast', 'hits')}/${sum('contrast', 'n')} | | ${sum('contrast', 'decisiveHits')}/${sum('contrast', 'decisive')} |`,
  '',
  done.length < SIGN_NAMES.length
    ? `Signs not run yet: ${SIGN_NAMES.filter((s) => !results.has(s)).join(', ')}.`
    : `Signs at ≥ 90 % with the baseline: ${done.filter((s) => results.get(s)!.contrast.hits >= 0.9 * results.get(s)!.contrast.n).length} of ${done.length}.`,
  '',
];
writeFileSync(OUT, lines.join('\n'));
console.error(`wrote ${OUT}`);
