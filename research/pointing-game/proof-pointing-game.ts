/**
 * Proof for the explanations (issue 6): the pointing game (Zhang et al., "Top-down neural attention
 * by excitation backprop", IJCV 2018) on single-sign phantoms. For every sign of the simulator, the
 * 140 studio identities are split by identity (70 / 70, stratified by sex); a screen is trained on
 * identities A (their single-sign phantoms against their own unmodified photos), and held-out
 * phantoms of identities B are explained by region masking. A phantom is a hit when the region
 * ranked first is one the sign changed (`SIGNS[sign].regions`, which already lists both sides of
 * bilateral signs: cheekRight and cheekLeft both count for moon face). Target: ≥ 90 % per sign.
 *
 * Two screens per sign: the default feature sets (faceres + morphometrics + colour) and the
 * interpretable ones alone (morphometrics + colour). Writes research/pointing-game/proof-pointing-game.md.
 * Usage: npx tsx research/pointing-game/proof-pointing-game.ts [--severity 1] [--signs a,b]
 *        npx tsx research/pointing-game/proof-pointing-game.ts --folds 4            (cross-fitted: every studio identity held out once)
 *        npx tsx research/pointing-game/proof-pointing-game.ts --dev --contrast     (ranking rules compared on a development split of A)
 *        npx tsx research/pointing-game/proof-pointing-game.ts --report-only        (rewrite the doc from the saved results)
 *        npx tsx research/pointing-game/proof-pointing-game.ts --changes            (measure what each sign changed, per region)
 *        npx tsx research/pointing-game/proof-pointing-game.ts --example <sign>     (full explanation of one held-out phantom:
 *                                                                     research/pointing-game/explain-example.png)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import {
  createExplainer,
  explainTarget,
  explanationFigures,
  type ExplainTarget,
} from '../../src/explain/index.js';
import { attributeRegions, prepareFace } from '../../src/explain/engine/index.js';
import { createDescriptorRunner, type DescriptorRunner } from '../../src/explain/engine/descriptor-runner.js';
import { analyzeFace } from '../../src/face/index.js';
import {
  extractFeatureBatch,
  FeatureCache,
  type FaceFeatures,
  type FeatureSetName,
} from '../../src/features/index.js';
import { featureMatrix, matrixColumns, predictWithPipeline, type Bundle } from '../../src/model/index.js';
import { SIGN_NAMES, SIGNS, SIMULATOR_VERSION, type SignName } from '../../src/simulate/index.js';
import { rocAucScore, wilsonInterval } from '../../src/stats/index.js';
import { runSimulate } from '../../src/jobs/index.js';
import { readPhantomManifest, sexOf, type PhantomRow } from '../../tools/lib/phantom-cohorts.js';
import { pointingGameReport, targetsOf, type Results } from './lib/pointing-game-report.js';
import { attributeBothWays, judge, saveable, type Outcome } from './lib/pointing-game-screen.js';
import { measureChanges } from './lib/pointing-game-changes.js';
import { splitCohort, trainSignScreen, type SignCohort } from './lib/pointing-game-cohort.js';
import { crossFitSplits, devSplit, identitySplit } from './lib/pointing-game-splits.js';
import { studioPhotos, type PublicPhoto } from '../../tools/lib/public-data.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const { values: args } = parseArgs({
  options: {
    severity: { type: 'string', default: '1' },
    signs: { type: 'string' },
    'report-only': { type: 'boolean', default: false },
    example: { type: 'string' },
    changes: { type: 'boolean', default: false },
    'utk-per-stratum': { type: 'string', default: '0' },
    /** Also explain the training identities' unmodified photos (the normal faces' baseline importances). */
    contrast: { type: 'boolean', default: false },
    /** Run one screen configuration only (its name, as in the report); its results are kept apart and merged. */
    config: { type: 'string' },
    /**
     * Development split: the training identities A alone, halved by identity within sex; screens are
     * trained on one half and the other half's phantoms explained. Ranking rules are chosen here, so
     * that the held-out identities B judge them once.
     */
    dev: { type: 'boolean', default: false },
    /**
     * Cross-fitting: the 140 studio identities in K folds (by identity, within sex); each fold's
     * phantoms are explained by a screen trained on the other K − 1 folds, so every identity is
     * held out once and each screen trains on more identities than the 70 / 70 split's.
     */
    folds: { type: 'string', default: '0' },
  },
});
const FOLDS = Number(args.folds);
const SEVERITY = Number(args.severity);
/** UTKFace adults per sex × age band added to the training identities (0: the 70 studio identities alone). */
const UTK_PER_STRATUM = Number(args['utk-per-stratum']);
const SIGNS_RUN = (args.signs?.split(',') ?? [...SIGN_NAMES]) as SignName[];
const CACHE = join(ROOT, '.cache', 'pointing-game', SIMULATOR_VERSION, `severity-${SEVERITY}`);
const slug = (name: string): string => name.replace(/[^a-z0-9]+/g, '-');
/** Results of a run; the studio-only design (the first run) keeps the original name. */
const RESULTS = join(
  CACHE,
  `${args.dev ? 'dev-' : ''}results${FOLDS > 0 ? `-crossfit${FOLDS}` : ''}${UTK_PER_STRATUM > 0 ? `-utk${UTK_PER_STRATUM}` : ''}${args.signs ? `-${args.signs.replaceAll(',', '+')}` : ''}${args.config ? `-${slug(args.config)}` : ''}.json`,
);
/** Where `--contrast` (and `--folds`) save a sign's attributions (per training design, like RESULTS). */
const attributionsFile = (sign: SignName, sets: FeatureSetName[]): string =>
  join(
    CACHE,
    `${args.dev ? 'dev-' : ''}${FOLDS > 0 ? `crossfit${FOLDS}-` : ''}attributions-${sign}-${sets.join('+')}${UTK_PER_STRATUM > 0 ? `-utk${UTK_PER_STRATUM}` : ''}.json`,
  );
const CONFIGS: { name: string; sets: FeatureSetName[] }[] = [
  { name: 'faceres + morphometrics + colour', sets: ['faceres', 'morphometrics', 'colour'] },
  { name: 'morphometrics + colour', sets: ['morphometrics', 'colour'] },
  // Added after the first run, with faceres-lower (the default acromegaly screen's new descriptor).
  {
    name: 'faceres + faceres-lower + morphometrics + colour',
    sets: ['faceres', 'faceres-lower', 'morphometrics', 'colour'],
  },
];
const CONFIGS_RUN = args.config ? CONFIGS.filter((c) => c.name === args.config) : CONFIGS.slice(0, 2);
if (CONFIGS_RUN.length === 0) throw new Error(`--config: one of ${CONFIGS.map((c) => c.name).join(' | ')}`);

/**
 * Single-sign phantoms of one set of photos (and the same photos unmodified, through the same
 * encoder), made once into `dir` and reused.
 */
async function phantomsOf(sign: SignName, dir: string, photos: PublicPhoto[]): Promise<PhantomRow[]> {
  const manifest = join(dir, 'manifest.csv');
  if (!existsSync(manifest)) {
    mkdirSync(dir, { recursive: true });
    const input = `${dir}.input.csv`;
    writeFileSync(
      input,
      'file,subject_id,sex,age\n' +
        photos.map((p) => `${p.file},${p.subjectId},${p.sex},${p.age}`).join('\n') +
        '\n',
    );
    const t0 = Date.now();
    const r = await runSimulate({
      input,
      outDir: dir,
      condition: SIGNS[sign].condition,
      severity: SEVERITY,
      signs: { [sign]: 1 },
      includeControls: true,
      seed: 1,
    });
    console.error(
      `  ${sign}: ${r.phantoms} phantoms, ${r.skipped.length} skipped (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
  return readPhantomManifest(manifest);
}

/** A sign's phantoms of all 140 studio identities, plus those of the UTKFace training identities. */
async function phantoms(sign: SignName): Promise<PhantomRow[]> {
  const studio = await phantomsOf(sign, join(CACHE, sign), studioPhotos());
  const utk = A.filter((p) => p.set === 'utkface-crop-part1');
  if (utk.length === 0) return studio;
  return [...studio, ...(await phantomsOf(sign, join(CACHE, `${sign}-utk${UTK_PER_STRATUM}`), utk))];
}

/** Features of the phantoms and controls (the shared on-disk cache: controls are the same bytes for every sign). */
async function features(files: string[]): Promise<Map<string, FaceFeatures>> {
  const cache = new FeatureCache(join(ROOT, '.cache', 'features.sqlite'));
  const out = new Map<string, FaceFeatures>();
  try {
    for await (const o of extractFeatureBatch(files, { sets: allSets, cache, workers: 2 })) {
      if (o.ok) out.set(o.file, o.features);
      else console.error(`  skipped ${o.file}: ${o.error.code}`);
    }
  } finally {
    cache.close();
  }
  return out;
}

/** The splits to run: one (A trains, B is explained), or K cross-fitting folds. */
const SPLITS = FOLDS > 0 ? crossFitSplits(FOLDS) : [args.dev ? devSplit() : identitySplit(UTK_PER_STRATUM)];
const { A, B } = SPLITS[0];
const inB = new Set(B.map((p) => p.subjectId));
const allSets = [...new Set(CONFIGS_RUN.flatMap((c) => c.sets))];

/** A sign's phantoms with their features, split into training identities and held-out ones. */
async function cohortOf(sign: SignName, split = SPLITS[0]) {
  const rows = await phantoms(sign);
  return splitCohort(rows, await features(rows.map((r) => r.file)), split);
}

/** Trains a sign's screen on the training identities. */
function trainOn(sign: SignName, config: (typeof CONFIGS)[number], c: SignCohort) {
  return trainSignScreen(sign, config.sets, c);
}

/** One photo's attribution; on the development split also the insertion side (a candidate ranking rule). */
async function explainOne(bundle: Bundle, target: ExplainTarget, r: PhantomRow, runner: DescriptorRunner) {
  const sex = sexOf(r.sex);
  const face = await prepareFace(bundle, target, await analyzeFace(r.file), { sex, age: r.age });
  if (args.dev) return attributeBothWays(target, face, runner);
  return { attribution: (await attributeRegions(target, face, runner)).attribution, kept: undefined };
}

/** One screen on one split: trained on A, its held-out AUC on B, and B's phantoms explained. */
async function runSplit(
  sign: SignName,
  config: (typeof CONFIGS)[number],
  c: SignCohort,
  runner: DescriptorRunner,
) {
  const { trained, bundle } = trainOn(sign, config, c);
  const target = explainTarget(bundle);
  const heldOutScores = predictWithPipeline(
    trained.model,
    featureMatrix(
      c.heldOut.map((r) => c.byFile.get(r.file)!),
      config.sets,
    ),
    matrixColumns(config.sets),
  );
  const auc = rocAucScore(
    c.heldOut.map((r) => (r.label === 'control' ? 0 : 1)),
    Array.from(heldOutScores),
  );
  const heldOutPhantoms = c.heldOut.filter((r) => r.label !== 'control');
  const outcomes: Outcome[] = [];
  const saved = { phantoms: [] as unknown[], controls: [] as unknown[] };
  for (const [i, r] of heldOutPhantoms.entries()) {
    const { attribution, kept } = await explainOne(bundle, target, r, runner);
    outcomes.push(judge(attribution, targetsOf(sign), r.file));
    saved.phantoms.push(saveable(r.file, attribution, kept));
    if ((i + 1) % 10 === 0) console.error(`  ${config.name}: explained ${i + 1}/${heldOutPhantoms.length}`);
  }
  if (args.contrast) {
    // The training identities' unmodified studio photos, explained too: the report's baseline.
    for (const r of c.train.filter((x) => x.label === 'control' && !x.subjectId.startsWith('utk:'))) {
      const { attribution, kept } = await explainOne(bundle, target, r, runner);
      saved.controls.push(saveable(r.file, attribution, kept));
    }
    writeFileSync(attributionsFile(sign, config.sets), JSON.stringify(saved) + '\n');
  }
  const C = (trained.model.hyperParameters as { C: number }).C;
  console.error(
    `  ${config.name}: C ${C}, pointing game ${outcomes.filter((o) => o.hit).length}/${outcomes.length}, held-out AUC ${auc.toFixed(3)}`,
  );
  const trainIdentities = new Set(c.train.map((r) => r.subjectId)).size;
  return { outcomes, auc, C, trainIdentities, phantoms: saved.phantoms };
}

async function run(): Promise<Results> {
  const runner = createDescriptorRunner(2);
  const results: Results = {};
  const started = Date.now();
  try {
    for (const sign of SIGNS_RUN) {
      console.error(`${sign}:`);
      results[sign] = {};
      const cohorts = [];
      for (const split of SPLITS) cohorts.push(await cohortOf(sign, split));
      for (const config of CONFIGS_RUN) {
        const splits = [];
        for (const [f, c] of cohorts.entries()) {
          console.error(
            `  ${SPLITS.length > 1 ? `fold ${f + 1}/${SPLITS.length}: ` : ''}training ${c.train.length} photos; ${c.heldOut.length} held-out photos`,
          );
          splits.push(await runSplit(sign, config, c, runner));
        }
        const outcomes = splits.flatMap((x) => x.outcomes);
        if (FOLDS > 0)
          // Every fold's held-out phantoms, for the report's decisive-explanation check.
          writeFileSync(
            attributionsFile(sign, config.sets),
            JSON.stringify({ phantoms: splits.flatMap((x) => x.phantoms), controls: [] }) + '\n',
          );
        const hits = outcomes.filter((o) => o.hit).length;
        const detected = outcomes.filter((o) => o.score >= 0.5);
        const missTops: Record<string, number> = {};
        for (const o of outcomes.filter((x) => !x.hit))
          for (const t of o.top) missTops[t] = (missTops[t] ?? 0) + 1;
        const ranks = outcomes.map((o) => o.bestTargetRank).sort((a, b) => a - b);
        results[sign][config.name] = {
          n: outcomes.length,
          hits,
          pointingGame: wilsonInterval(hits, outcomes.length),
          ties: outcomes.filter((o) => o.tie).length,
          detected: detected.length,
          hitsAmongDetected: detected.filter((o) => o.hit).length,
          medianBestTargetRank: ranks[Math.floor(ranks.length / 2)],
          // Cross-fitted: the mean of the folds' held-out AUCs (each fold's screen scores its own fold).
          heldOutAuc: splits.reduce((s, x) => s + x.auc, 0) / splits.length,
          C: splits.length > 1 ? splits.map((x) => x.C) : splits[0].C,
          trainIdentities: splits.map((x) => x.trainIdentities),
          missTops,
        };
      }
    }
  } finally {
    await runner.close();
  }
  results.meta = { minutes: (Date.now() - started) / 60000, folds: SPLITS.length };
  return results;
}

/**
 * The full explanation (regions, coarse heatmap, saliency, sanity checks) of the first held-out
 * phantom of a sign, with the default feature sets, by pixel masking (the proof's method); its three
 * figures side by side in research/pointing-game/explain-example.png and the numbers in the cache (example.json).
 */
async function example(sign: SignName): Promise<void> {
  const c = await cohortOf(sign);
  const { bundle } = trainOn(sign, CONFIGS[0], c);
  const photo = c.heldOut.find((r) => r.label !== 'control')!;
  const explainer = await createExplainer({ model: bundle, regionMethod: 'pixel' });
  try {
    const sex = sexOf(photo.sex);
    const result = await explainer.explain(photo.file, { sex, age: photo.age });
    const figures = await explanationFigures(result, 640);
    const panels = [figures.regions, figures.heatmap!, figures.saliency!];
    const metas = await Promise.all(panels.map((p) => sharp(p).metadata()));
    const width = metas.reduce((s, m) => s + m.width!, 0);
    let left = 0;
    const png = await sharp({ create: { width, height: 640, channels: 3, background: '#ffffff' } })
      .composite(panels.map((input, i) => ({ input, top: 0, left: (left += i ? metas[i - 1].width! : 0) })))
      .png()
      .toBuffer();
    writeFileSync(join(import.meta.dirname, 'explain-example.png'), png);
    const e = result.explanation;
    const summary = {
      sign,
      file: photo.file.slice(ROOT.length + 1),
      score: e.score,
      regions: e.regions.regions.map((r) => ({ region: r.region, importance: r.importance })),
      together: e.regions.together,
      randomisation: e.sanity!.randomisation,
      deletion: {
        auc: e.sanity!.deletion.auc,
        passed: e.sanity!.deletion.passed,
        order: e.sanity!.deletion.order,
      },
      saliencyTop: e.saliency?.available
        ? Object.entries(e.saliency.regionShare)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
        : [],
      timings: e.timings,
    };
    writeFileSync(join(CACHE, 'example.json'), JSON.stringify(summary, null, 2) + '\n');
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    await explainer.dispose();
  }
}

if (args.example) {
  await example(args.example as SignName);
} else if (args.changes) {
  await measureChanges(CACHE, SIGNS_RUN, inB);
} else if (args.dev || FOLDS > 0) {
  // Results stay in the cache; the report (built on the 70 / 70 split) reads them with --report-only.
  writeFileSync(RESULTS, JSON.stringify(await run(), null, 2) + '\n');
  console.error(`wrote ${RESULTS}; rewrite the doc with --report-only`);
} else {
  if (!args['report-only']) writeFileSync(RESULTS, JSON.stringify(await run(), null, 2) + '\n');
  // The report: the first run (results.json) with each separately run configuration merged in.
  const read = (f: string): Results => JSON.parse(readFileSync(f, 'utf8')) as Results;
  const results = read(join(CACHE, 'results.json'));
  for (const config of CONFIGS.slice(2)) {
    const f = join(CACHE, `results-${slug(config.name)}.json`);
    if (!existsSync(f)) continue;
    for (const [sign, byConfig] of Object.entries(read(f)))
      if (sign !== 'meta') Object.assign((results[sign] ??= {}), byConfig);
  }
  writeFileSync(
    join(import.meta.dirname, 'proof-pointing-game.md'),
    pointingGameReport(results, {
      severity: SEVERITY,
      configs: CONFIGS,
      signs: SIGNS_RUN,
      studioA: A.filter((p) => p.set !== 'utkface-crop-part1').length,
      utkA: A.filter((p) => p.set === 'utkface-crop-part1').length,
      utkPerStratum: UTK_PER_STRATUM,
      heldOut: B.length,
      cache: CACHE,
      crossFit: existsSync(join(CACHE, 'results-crossfit4.json'))
        ? read(join(CACHE, 'results-crossfit4.json'))
        : undefined,
    }),
  );
  console.error('wrote research/pointing-game/proof-pointing-game.md');
}
