/**
 * Does the way a screen is trained change where its explanations point? The pointing game of
 * scripts/proof-pointing-game.ts (same phantoms, splits, screens and masking) replayed for screens
 * trained otherwise: other regularisation, and training photos also shown with a region masked (so
 * that a masked face is no longer out of the screen's distribution). Each variant is judged on the
 * development split (the training identities halved), then on the held-out identities once.
 *
 * The masking's costly part (the descriptor network on each masked crop) does not depend on the
 * screen: it is computed once per photo and saved (scripts/lib/pointing-game-masked.ts, ~25 min for
 * the 1,120 photos), after which a screen is replayed without the network (seconds; the augmented ones,
 * trained on 15 times the rows, a few minutes).
 * Usage: npx tsx scripts/proof-pointing-game.ts        (first: makes the phantoms)
 *        npx tsx scripts/proof-pointing-game-screens.ts [--true-mesh]
 * `--true-mesh` (~10 min) also explains the development split's phantoms with the regions drawn on the
 * simulator's own mesh (scripts/lib/pointing-game-true-mesh.ts); saved, and reported from then on.
 * Writes docs/proof-pointing-game-screens.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDescriptorRunner } from '../src/explain/descriptor-runner.js';
import { explainTarget } from '../src/explain/index.js';
import { REGION_NAMES } from '../src/face/regions.js';
import type { FeatureSetName } from '../src/features/index.js';
import {
  fitNormativeModel,
  loadBundle,
  matrixColumns,
  predictWithPipeline,
  trainScreen,
  type Matrix64,
  type NormativeModel,
  type SerializedPipeline,
} from '../src/model/index.js';
import { SIGN_NAMES, SIMULATOR_VERSION, type SignName } from '../src/simulate/index.js';
import { readPhantomManifest, type PhantomRow } from './lib/phantom-cohorts.js';
import {
  maskedMatrix,
  readMaskedPhoto,
  saveMaskedRows,
  unmaskedMatrix,
  type MaskedPhoto,
} from './lib/pointing-game-masked.js';
import { asAttribution, contrastRanked, rankingValues, type SavedRun } from './lib/pointing-game-saved.js';
import { bundleOf, strictHit } from './lib/pointing-game-screen.js';
import { devSplit, identitySplit, type Split } from './lib/pointing-game-splits.js';
import { targetsOf } from './lib/pointing-game-tables.js';
import { trueMeshHits } from './lib/pointing-game-true-mesh.js';

const ROOT = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({ options: { 'true-mesh': { type: 'boolean', default: false } } });
const CACHE = join(ROOT, '.cache', 'pointing-game', SIMULATOR_VERSION, 'severity-1');
const MASKED = join(CACHE, 'masked');
const TRUE_MESH = join(CACHE, 'true-mesh-dev.json');
const OUT = join(ROOT, 'docs', 'proof-pointing-game-screens.md');
const CONFIGS: { name: string; sets: FeatureSetName[] }[] = [
  { name: 'faceres + morphometrics + colour', sets: ['faceres', 'morphometrics', 'colour'] },
  { name: 'morphometrics + colour', sets: ['morphometrics', 'colour'] },
];
const R = REGION_NAMES.length;

interface Training {
  sets: FeatureSetName[];
  sign: SignName;
  phantoms: MaskedPhoto[];
  controls: MaskedPhoto[];
  normative: NormativeModel;
}

/** Trains as the proof does (nested CV over C, Platt), on the given rows and weights. */
function fit(t: Training, X: Matrix64, rows: MaskedPhoto[], options: object = {}, weight?: number[]) {
  return trainScreen(
    X,
    rows.map((p) => (p.label === 'control' ? 0 : 1)),
    rows.map((p) => p.subjectId),
    {
      columns: matrixColumns(t.sets),
      classes: ['control', t.sign],
      seed: 0,
      ...(weight ? { sampleWeight: weight } : {}),
      ...options,
    },
  ).model;
}

function stack(ms: Matrix64[]): Matrix64 {
  const cols = ms[0].cols;
  const data = new Float64Array(ms.reduce((s, m) => s + m.rows, 0) * cols);
  let offset = 0;
  for (const m of ms) {
    data.set(m.data, offset);
    offset += m.data.length;
  }
  return { data, rows: data.length / cols, cols };
}

/**
 * The proof's screen, then trained again with each region-masked copy of the chosen photos added
 * (same label, weight `w` per copy; the copies' hand-crafted features neutralised as the explainer
 * would, towards the split's normal faces).
 */
function maskedAugmentation(which: 'controls' | 'all', w: number) {
  return (t: Training): SerializedPipeline => {
    const rows = [...t.phantoms, ...t.controls];
    const first = fit(t, unmaskedMatrix(rows, t.sets), rows);
    const parts: Matrix64[] = [unmaskedMatrix(rows, t.sets)];
    const labels: MaskedPhoto[] = [...rows];
    const weight = rows.map(() => 1);
    for (const p of which === 'all' ? rows : t.controls) {
      const m = maskedMatrix(p, t.sets, first, t.normative);
      // Rows 1 … R: one region masked each (row 0 is unmasked, row R + 1 every region).
      parts.push({ data: m.data.slice(m.cols, (R + 1) * m.cols), rows: R, cols: m.cols });
      for (let k = 0; k < R; k++) {
        labels.push(p);
        weight.push(w);
      }
    }
    return fit(t, stack(parts), labels, {}, weight);
  };
}

const VARIANTS: { name: string; train: (t: Training) => SerializedPipeline }[] = [
  {
    name: "the proof's screen (C by nested CV)",
    train: (t) =>
      fit(t, unmaskedMatrix([...t.phantoms, ...t.controls], t.sets), [...t.phantoms, ...t.controls]),
  },
  ...[0.001, 1].map((C) => ({
    name: `C fixed at ${C}`,
    train: (t: Training) =>
      fit(t, unmaskedMatrix([...t.phantoms, ...t.controls], t.sets), [...t.phantoms, ...t.controls], {
        grid: { C: [C] },
      }),
  })),
  { name: 'normal faces also masked (1/14 weight per copy)', train: maskedAugmentation('controls', 1 / R) },
  { name: 'normal faces also masked (full weight per copy)', train: maskedAugmentation('controls', 1) },
  { name: 'every training photo also masked (1/14 weight)', train: maskedAugmentation('all', 1 / R) },
];
const RANKINGS = ['deletion', 'contrast to normal faces'] as const;

/** Phantom rows per sign and the unmodified photos (the same bytes in every sign's folder). */
function rowsOf(): { phantoms: Map<SignName, PhantomRow[]>; controls: PhantomRow[] } {
  const phantoms = new Map<SignName, PhantomRow[]>();
  let controls: PhantomRow[] = [];
  for (const sign of SIGN_NAMES) {
    const manifest = join(CACHE, sign, 'manifest.csv');
    if (!existsSync(manifest))
      throw new Error(`${manifest} is missing: run npx tsx scripts/proof-pointing-game.ts first`);
    const rows = readPhantomManifest(manifest);
    phantoms.set(
      sign,
      rows.filter((r) => r.label !== 'control'),
    );
    if (controls.length === 0) controls = rows.filter((r) => r.label === 'control');
  }
  return { phantoms, controls };
}

async function build(phantoms: Map<SignName, PhantomRow[]>, controls: PhantomRow[]): Promise<void> {
  const bundle = await loadBundle(join(ROOT, 'models', 'default'));
  const runner = createDescriptorRunner(2);
  const t0 = Date.now();
  try {
    for (const [group, rows] of [...phantoms.entries(), ['controls', controls] as const]) {
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

type Hits = Record<SignName, { hits: number; n: number }>;

/** A sign's training side of a split: its phantoms, the normal faces and their normative model. */
function trainingOf(
  split: Split,
  sign: SignName,
  sets: FeatureSetName[],
  load: (sign: SignName | 'controls') => MaskedPhoto[],
): Training {
  const inA = new Set(split.A.map((p) => p.subjectId));
  const controls = load('controls').filter((p) => inA.has(p.subjectId));
  return {
    sets,
    sign,
    phantoms: load(sign).filter((p) => inA.has(p.subjectId)),
    controls,
    normative: fitNormativeModel(
      controls.map((p) => ({ sex: p.sex, age: p.age, morphometrics: p.morphometrics, colour: p.colour })),
      { minStratumSize: 30 },
    ),
  };
}

/** Pointing-game hits per sign of one variant and config on one split, under each ranking. */
function play(
  split: Split,
  variant: (typeof VARIANTS)[number],
  sets: FeatureSetName[],
  load: (sign: SignName | 'controls') => MaskedPhoto[],
): Record<(typeof RANKINGS)[number], Hits> {
  const inB = new Set(split.B.map((p) => p.subjectId));
  const out = { deletion: {}, 'contrast to normal faces': {} } as Record<(typeof RANKINGS)[number], Hits>;
  for (const sign of SIGN_NAMES) {
    const all = load(sign);
    const t = trainingOf(split, sign, sets, load);
    const controls = t.controls;
    const model = variant.train(t);
    const columns = matrixColumns(sets);
    const saved = (photos: MaskedPhoto[]): SavedRun['phantoms'] =>
      photos.map((p) => {
        const s = predictWithPipeline(model, maskedMatrix(p, sets, model, t.normative), columns);
        return {
          score: s[0],
          masked: Object.fromEntries(
            REGION_NAMES.map((r, k) => [r, s[k + 1]]),
          ) as SavedRun['phantoms'][0]['masked'],
          allMasked: s[R + 1],
        };
      });
    const run: SavedRun = {
      phantoms: saved(all.filter((p) => inB.has(p.subjectId))),
      controls: saved(controls),
    };
    const rankings = {
      deletion: run.phantoms.map(asAttribution),
      'contrast to normal faces': contrastRanked(run, sign),
    };
    for (const ranking of RANKINGS) {
      const ranked = rankings[ranking];
      out[ranking][sign] = {
        hits: ranked.filter((a) => strictHit(rankingValues(a), targetsOf(sign))).length,
        n: ranked.length,
      };
    }
  }
  return out;
}

const { phantoms, controls } = rowsOf();
await build(phantoms, controls);
const memo = new Map<string, MaskedPhoto[]>();
const load = (group: SignName | 'controls'): MaskedPhoto[] => {
  if (!memo.has(group)) {
    const rows = group === 'controls' ? controls : phantoms.get(group)!;
    memo.set(
      group,
      rows.map((r) => readMaskedPhoto(MASKED, group, r)).filter((p): p is MaskedPhoto => p !== undefined),
    );
  }
  return memo.get(group)!;
};

const SPLITS = { development: devSplit(), 'held-out': identitySplit(0) };
const table: { config: string; variant: string; ranking: string; split: string; hits: Hits }[] = [];
for (const config of CONFIGS)
  for (const variant of VARIANTS)
    for (const [split, s] of Object.entries(SPLITS)) {
      const byRanking = play(s, variant, config.sets, load);
      for (const ranking of RANKINGS) {
        const hits = byRanking[ranking];
        table.push({ config: config.name, variant: variant.name, ranking, split, hits });
        const total = SIGN_NAMES.reduce((a, x) => a + hits[x].hits, 0);
        console.error(`${config.name} | ${variant.name} | ${ranking} | ${split}: ${total}`);
      }
    }
if (args['true-mesh']) await explainOnTrueMesh();
writeFileSync(OUT, report(table));

type TrueMesh = Record<string, { hits: number; n: number; missTops: Record<string, number> }>;

/** The development split's phantoms, the proof's screen (first config), regions on the simulator's mesh. */
async function explainOnTrueMesh(): Promise<void> {
  const split = SPLITS.development;
  const inB = new Set(split.B.map((p) => p.subjectId));
  const sets = CONFIGS[0].sets;
  const runner = createDescriptorRunner(2);
  const res: TrueMesh = {};
  try {
    for (const sign of SIGN_NAMES) {
      const t = trainingOf(split, sign, sets, load);
      const bundle = bundleOf(sign, sets, VARIANTS[0].train(t), t.normative);
      const rows = phantoms
        .get(sign)!
        .filter((r) => inB.has(r.subjectId) && readMaskedPhoto(MASKED, sign, r) !== undefined);
      res[sign] = await trueMeshHits(
        join(CACHE, sign),
        sign,
        rows,
        bundle,
        explainTarget(bundle),
        targetsOf(sign),
        runner,
      );
      console.error(`true mesh, ${sign}: ${res[sign].hits}/${res[sign].n}`);
    }
  } finally {
    await runner.close();
  }
  writeFileSync(TRUE_MESH, JSON.stringify(res, null, 2) + '\n');
}

function trueMeshSection(rows: typeof table): string[] {
  if (!existsSync(TRUE_MESH)) return [];
  const res = JSON.parse(readFileSync(TRUE_MESH, 'utf8')) as TrueMesh;
  const detected = rows.find(
    (x) =>
      x.config === CONFIGS[0].name &&
      x.split === 'development' &&
      x.variant === VARIANTS[0].name &&
      x.ranking === 'deletion',
  )!.hits;
  const total = (f: (s: SignName) => number): number => SIGN_NAMES.reduce((a, s) => a + f(s), 0);
  return [
    "## Regions drawn on the simulator's own mesh",
    '',
    'Regions follow the mesh the detector finds on each photo, and the mesh model follows a grown feature only in part',
    '(proof-pointing-game.md, "What the simulator changed"), so a grown nose or lip could spill into a neighbour\'s',
    'region. Each development-split phantom was made again (same photo, sign and seed) to recover where the simulator',
    "put every vertex, and explained with its regions drawn on that mesh (`--true-mesh`; the proof's screen on",
    `${CONFIGS[0].name}, deletion).`,
    '',
    `| | ${SIGN_NAMES.join(' | ')} | all |`,
    `|---|${SIGN_NAMES.map(() => '---|').join('')}---|`,
    `| regions on the detected mesh | ${SIGN_NAMES.map((s) => `${detected[s].hits}/${detected[s].n}`).join(' | ')} | ${total((s) => detected[s].hits)} |`,
    `| regions on the simulator's mesh | ${SIGN_NAMES.map((s) => (res[s] ? `${res[s].hits}/${res[s].n}` : '–')).join(' | ')} | ${total((s) => res[s]?.hits ?? 0)} |`,
    '',
    `Misses on the simulator's mesh pointed at: ${SIGN_NAMES.filter((s) => res[s])
      .map(
        (s) =>
          `${s} ${
            Object.entries(res[s].missTops)
              .sort((a, b) => b[1] - a[1])
              .map(([r, n]) => `${r} ${n}`)
              .join(', ') || '–'
          }`,
      )
      .join('; ')}.`,
    '',
  ];
}
console.error(`wrote ${OUT}`);

function report(rows: typeof table): string {
  const sum = (h: Hits): [number, number] =>
    SIGN_NAMES.reduce<[number, number]>((a, s) => [a[0] + h[s].hits, a[1] + h[s].n], [0, 0]);
  const cell = (h: Hits, s: SignName): string => {
    const pct = h[s].hits / h[s].n;
    return pct >= 0.9 ? `**${h[s].hits}/${h[s].n}**` : `${h[s].hits}/${h[s].n}`;
  };
  const lines = [
    '# Proof, continued: does the way a screen is trained change where its explanations point?',
    '',
    '_Generated by `npx tsx scripts/proof-pointing-game-screens.ts` — do not edit by hand._',
    '',
    `The pointing game of [proof-pointing-game.md](proof-pointing-game.md) (simulator ${SIMULATOR_VERSION}, severity 1: the same`,
    'single-sign phantoms, identity splits, masking and strict hit rule) replayed for screens trained otherwise. Each',
    "photo's masked descriptor rows are computed once and saved; the hand-crafted features are neutralised again for",
    'each split against its own normal faces, exactly as `attributeRegions` does. Row one of each table is therefore the',
    "proof's own result, recomputed from the saved rows (it must equal the proof's tables; the check is below).",
    '',
    'Variants: the L2 penalty fixed instead of chosen by nested CV; the training photos also shown with each region',
    'masked in turn (same label) — the masked face is then in the distribution the screen learnt, the remedy Hooker et',
    'al. (ROAR, NeurIPS 2019) give for deletion-based evaluations. Masked copies of the normal faces only teach "a',
    'masked normal face is still normal"; masked copies of every photo also label a phantom whose changed region is',
    'masked as affected (label noise the screen cannot avoid, since the changed region is unknown when training).',
    'Rankings: deletion (the default) and contrast to normal faces (`--baseline`). Bold: ≥ 90 %.',
    '',
  ];
  for (const config of CONFIGS) {
    for (const split of Object.keys(SPLITS)) {
      const some = rows.find((r) => r.config === config.name && r.split === split)!;
      lines.push(
        `**${config.name}, ${split} split** (${some.hits[SIGN_NAMES[0]].n} phantoms per sign)`,
        '',
        `| screen trained | ranking | ${SIGN_NAMES.join(' | ')} | all |`,
        `|---|---|${SIGN_NAMES.map(() => '---|').join('')}---|`,
      );
      for (const r of rows.filter((x) => x.config === config.name && x.split === split)) {
        const [h, n] = sum(r.hits);
        lines.push(
          `| ${r.variant} | ${r.ranking} | ${SIGN_NAMES.map((s) => cell(r.hits, s)).join(' | ')} | ${h}/${n} |`,
        );
      }
      lines.push('');
    }
  }
  lines.push(...trueMeshSection(rows));
  lines.push('## Summary', '', ...summary(rows), '');
  return lines.join('\n');
}

function summary(rows: typeof table): string[] {
  const out: string[] = [];
  const total = (h: Hits): number => SIGN_NAMES.reduce((a, s) => a + h[s].hits, 0);
  // The proof's own numbers, to check the replay against.
  const proof = (file: string): Record<string, Record<string, { hits: number }>> | undefined =>
    existsSync(join(CACHE, file)) ? JSON.parse(readFileSync(join(CACHE, file), 'utf8')) : undefined;
  const saved = { development: proof('dev-results.json'), 'held-out': proof('results.json') };
  for (const r of rows.filter((x) => x.variant === VARIANTS[0].name && x.ranking === 'deletion')) {
    const p = saved[r.split as keyof typeof saved];
    if (!p) continue;
    const differ = SIGN_NAMES.filter((s) => p[s]?.[r.config] && p[s][r.config].hits !== r.hits[s].hits);
    out.push(
      `- Replay check (${r.config}, ${r.split}): ${differ.length === 0 ? "every sign's hits equal the proof's run" : `differs from the proof's run for ${differ.join(', ')}`}.`,
    );
  }
  for (const config of CONFIGS) {
    const dev = rows.filter((x) => x.config === config.name && x.split === 'development');
    const best = dev.reduce((b, x) => (total(x.hits) > total(b.hits) ? x : b));
    const held = rows.find(
      (x) =>
        x.config === config.name &&
        x.split === 'held-out' &&
        x.variant === best.variant &&
        x.ranking === best.ranking,
    )!;
    const base = rows.find(
      (x) =>
        x.config === config.name &&
        x.split === 'held-out' &&
        x.variant === VARIANTS[0].name &&
        x.ranking === 'deletion',
    )!;
    const all90 = rows.filter(
      (x) => x.config === config.name && SIGN_NAMES.every((s) => x.hits[s].hits >= 0.9 * x.hits[s].n),
    );
    out.push(
      `- ${config.name}: best on the development split: ${best.variant}, ranked by ${best.ranking} (${total(best.hits)} hits vs ${total(dev.find((x) => x.variant === VARIANTS[0].name && x.ranking === 'deletion')!.hits)} for the proof's screen); on the held-out identities ${total(held.hits)} vs ${total(base.hits)}, per sign ${SIGN_NAMES.map((s) => `${held.hits[s].hits - base.hits[s].hits >= 0 ? '+' : ''}${held.hits[s].hits - base.hits[s].hits}`).join(' / ')} (${SIGN_NAMES.join(' / ')}). ${all90.length === 0 ? 'No variant reaches 90 % on every sign, on either split.' : `≥ 90 % on every sign: ${all90.map((x) => `${x.variant}, ${x.ranking}, ${x.split}`).join('; ')}.`}`,
    );
  }
  return out;
}
