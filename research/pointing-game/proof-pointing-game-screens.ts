/**
 * Does the way a screen is trained change where its explanations point? The pointing game of
 * research/pointing-game/proof-pointing-game.ts (same phantoms, splits, screens and masking) replayed for screens
 * trained otherwise (research/pointing-game/lib/pointing-game-variants.ts): other regularisation, and training photos
 * also shown with a region masked (so that a masked face is no longer out of the screen's
 * distribution). Each variant is judged on the development split (the training identities halved),
 * then on the held-out identities once; its held-out AUC is reported beside, since a screen could
 * point better and detect worse.
 *
 * The masking's costly part (the descriptor network on each masked crop) does not depend on the
 * screen: it is computed once per photo and saved (research/pointing-game/lib/pointing-game-masked.ts, ~25 min for
 * the 1,120 photos), after which a screen is replayed without the network (seconds; the augmented ones,
 * trained on 15 times the rows, a few minutes).
 * Usage: npx tsx research/pointing-game/proof-pointing-game.ts        (first: makes the phantoms)
 *        npx tsx research/pointing-game/proof-pointing-game-screens.ts [--true-mesh] [--report-only]
 * `--true-mesh` (~10 min) also explains the development split's phantoms with the regions drawn on the
 * simulator's own mesh (research/pointing-game/lib/pointing-game-true-mesh.ts); saved, and reported from then on.
 * Writes research/pointing-game/proof-pointing-game-screens.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDescriptorRunner } from '../../src/explain/engine/descriptor-runner.js';
import { explainTarget } from '../../src/explain/index.js';
import { REGION_NAMES } from '../../src/face/regions.js';
import type { FeatureSetName } from '../../src/features/index.js';
import { loadBundle, matrixColumns, predictWithPipeline } from '../../src/model/index.js';
import { SIGN_NAMES, SIMULATOR_VERSION, type SignName } from '../../src/simulate/index.js';
import { rocAucScore } from '../../src/stats/index.js';
import type { PhantomRow } from '../../tools/lib/phantom-cohorts.js';
import {
  maskedMatrix,
  saveMaskedRows,
  unmaskedMatrix,
  type MaskedPhoto,
} from './lib/pointing-game-masked.js';
import { asAttribution, contrastRanked, rankingValues, type SavedRun } from './lib/pointing-game-saved.js';
import { bundleOf, strictHit } from './lib/pointing-game-screen.js';
import {
  RANKINGS,
  screensReport,
  totalHits,
  type Ranking,
  type ScreenRun,
  type TrueMesh,
} from './lib/pointing-game-screens-report.js';
import { CACHE, createReplay, manifestRows, MASKED, ROOT, SPLITS } from './lib/pointing-game-replay.js';
import type { Split } from './lib/pointing-game-splits.js';
import { targetsOf } from './lib/pointing-game-tables.js';
import { trueMeshHits } from './lib/pointing-game-true-mesh.js';
import { VARIANTS, type Variant } from './lib/pointing-game-variants.js';

const { values: args } = parseArgs({
  options: {
    'true-mesh': { type: 'boolean', default: false },
    'report-only': { type: 'boolean', default: false },
  },
});
const TRUE_MESH = join(CACHE, 'true-mesh-dev.json');
/** Every replayed screen's hits, kept so that the report can be written again (`--report-only`). */
const RUNS = join(CACHE, 'screens-results.json');
const OUT = join(import.meta.dirname, 'proof-pointing-game-screens.md');
const CONFIGS: { name: string; sets: FeatureSetName[] }[] = [
  { name: 'faceres + morphometrics + colour', sets: ['faceres', 'morphometrics', 'colour'] },
  { name: 'morphometrics + colour', sets: ['morphometrics', 'colour'] },
];
const R = REGION_NAMES.length;
const ROWS = manifestRows();
const { readOnce, load, trainingOf } = createReplay(ROWS);

/** Masks every photo not saved yet; the controls once (saved from the first sign's folder). */
async function saveAllMasked(): Promise<void> {
  const bundle = await loadBundle(join(ROOT, 'models', 'default'));
  const runner = createDescriptorRunner(2);
  const t0 = Date.now();
  const groups: [string, PhantomRow[]][] = [
    ...SIGN_NAMES.map((s) => [s, ROWS.get(s)!.phantoms] as [string, PhantomRow[]]),
    ['controls', ROWS.get(SIGN_NAMES[0])!.controls],
  ];
  try {
    for (const [group, rows] of groups) {
      const made = await saveMaskedRows(MASKED, group, rows, bundle, runner, (done, total) => {
        if (done % 50 === 0 || done === total)
          console.error(`  ${group}: ${done}/${total} (${((Date.now() - t0) / 60000).toFixed(1)} min)`);
      });
      if (made > 0) console.error(`${group}: ${made} photos masked`);
    }
  } finally {
    await runner.close();
  }
}

/** One variant and config on one split: hits per sign under each ranking, and each sign's held-out AUC. */
function play(split: Split, variant: Variant, sets: FeatureSetName[]) {
  const inB = new Set(split.B.map((p) => p.subjectId));
  const columns = matrixColumns(sets);
  const hits = Object.fromEntries(RANKINGS.map((r) => [r, {}])) as Record<Ranking, ScreenRun['hits']>;
  const auc = {} as Record<SignName, number>;
  for (const sign of SIGN_NAMES) {
    const t = trainingOf(split, sign, sets);
    const model = variant.train(t);
    const explained = load(sign, 'phantoms').filter((p) => inB.has(p.subjectId));
    const heldOut = [...explained, ...load(sign, 'controls').filter((p) => inB.has(p.subjectId))];
    auc[sign] = rocAucScore(
      heldOut.map((p) => (p.label === 'control' ? 0 : 1)),
      Array.from(predictWithPipeline(model, unmaskedMatrix(heldOut, sets), columns)),
    );
    const replayScores = (photos: MaskedPhoto[]): SavedRun['phantoms'] =>
      photos.map((p) => {
        const s = predictWithPipeline(model, maskedMatrix(p, sets, t.reference(p)), columns);
        return {
          score: s[0],
          masked: Object.fromEntries(
            REGION_NAMES.map((r, k) => [r, s[k + 1]]),
          ) as SavedRun['phantoms'][0]['masked'],
          allMasked: s[R + 1],
        };
      });
    // The contrast's normal faces are the training side's, as the proof's (in-sample for every screen).
    const run: SavedRun = { phantoms: replayScores(explained), controls: replayScores(t.controls) };
    const ranked: Record<Ranking, ReturnType<typeof asAttribution>[]> = {
      deletion: run.phantoms.map(asAttribution),
      'contrast to normal faces': contrastRanked(run, sign),
    };
    for (const ranking of RANKINGS)
      hits[ranking][sign] = {
        hits: ranked[ranking].filter((a) => strictHit(rankingValues(a), targetsOf(sign))).length,
        n: ranked[ranking].length,
      };
  }
  return { hits, auc };
}

/** The development split's phantoms, the proof's screen (first config), regions on the simulator's mesh. */
async function explainOnTrueMesh(): Promise<void> {
  const split = SPLITS.development;
  const inB = new Set(split.B.map((p) => p.subjectId));
  const sets = CONFIGS[0].sets;
  const runner = createDescriptorRunner(2);
  const res: TrueMesh = {};
  try {
    for (const sign of SIGN_NAMES) {
      const t = trainingOf(split, sign, sets);
      const bundle = bundleOf(sign, sets, VARIANTS[0].train(t), t.normative);
      const rows = ROWS.get(sign)!.phantoms.filter(
        (r) => inB.has(r.subjectId) && readOnce(sign, r) !== undefined,
      );
      res[sign] = await trueMeshHits(join(CACHE, sign), sign, rows, bundle, explainTarget(bundle), runner);
      console.error(`true mesh, ${sign}: ${res[sign].hits}/${res[sign].n}`);
    }
  } finally {
    await runner.close();
  }
  writeFileSync(TRUE_MESH, JSON.stringify(res, null, 2) + '\n');
}

let table: ScreenRun[];
if (args['report-only']) table = JSON.parse(readFileSync(RUNS, 'utf8')) as ScreenRun[];
else {
  await saveAllMasked();
  table = [];
  for (const config of CONFIGS)
    for (const variant of VARIANTS)
      for (const [split, s] of Object.entries(SPLITS)) {
        const { hits, auc } = play(s, variant, config.sets);
        for (const ranking of RANKINGS) {
          table.push({
            config: config.name,
            variant: variant.name,
            ranking,
            split,
            hits: hits[ranking],
            auc,
          });
          const total = totalHits(hits[ranking]);
          console.error(`${config.name} | ${variant.name} | ${ranking} | ${split}: ${total}`);
        }
      }
  writeFileSync(RUNS, JSON.stringify(table) + '\n');
}
if (args['true-mesh']) await explainOnTrueMesh();
writeFileSync(
  OUT,
  screensReport(table, {
    configs: CONFIGS,
    baseVariant: VARIANTS[0].name,
    splits: Object.keys(SPLITS),
    simulator: SIMULATOR_VERSION,
    cache: CACHE,
    trueMeshFile: TRUE_MESH,
  }),
);
console.error(`wrote ${OUT}`);
