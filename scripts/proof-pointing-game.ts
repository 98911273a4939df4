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
 * interpretable ones alone (morphometrics + colour). Writes docs/proof-pointing-game.md.
 * Usage: npx tsx scripts/proof-pointing-game.ts [--severity 1] [--signs a,b]
 *        npx tsx scripts/proof-pointing-game.ts --report-only        (rewrite the doc from the saved results)
 *        npx tsx scripts/proof-pointing-game.ts --changes            (measure what each sign changed, per region)
 *        npx tsx scripts/proof-pointing-game.ts --example <sign>     (full explanation of one held-out phantom:
 *                                                                     docs/figures/explain-example.png)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import {
  attributeRegions,
  createExplainer,
  explainTarget,
  explanationFigures,
  prepareFace,
  type RegionAttribution,
} from '../src/explain/index.js';
import { createDescriptorRunner } from '../src/explain/descriptor-runner.js';
import { analyzeFace } from '../src/face/index.js';
import { REGION_NAMES, type RegionName } from '../src/face/regions.js';
import {
  extractFeatureBatch,
  FeatureCache,
  regionLabStats,
  type FaceFeatures,
  type FeatureSetName,
} from '../src/features/index.js';
import {
  DISCLAIMER,
  featureMatrix,
  fitNormativeModel,
  matrixColumns,
  predictWithPipeline,
  trainScreen,
  type Bundle,
  type NormativeModel,
} from '../src/model/index.js';
import {
  SIGN_NAMES,
  SIGNS,
  simulateCohort,
  SIMULATOR_VERSION,
  type SignName,
} from '../src/simulate/index.js';
import { createRandom, rocAucScore, wilsonInterval } from '../src/stats/index.js';
import { readPhantomManifest, utkAdults, type PhantomRow } from './lib/phantom-cohorts.js';
import { pointingGameReport, targetsOf, type Results } from './lib/pointing-game-report.js';
import { studioPhotos, type PublicPhoto } from './lib/public-data.js';

const ROOT = resolve(import.meta.dirname, '..');
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
  },
});
const SEVERITY = Number(args.severity);
/** UTKFace adults per sex × age band added to the training identities (0: the 70 studio identities alone). */
const UTK_PER_STRATUM = Number(args['utk-per-stratum']);
const SIGNS_RUN = (args.signs?.split(',') ?? [...SIGN_NAMES]) as SignName[];
const CACHE = join(ROOT, '.cache', 'pointing-game', SIMULATOR_VERSION, `severity-${SEVERITY}`);
const slug = (name: string): string => name.replace(/[^a-z0-9]+/g, '-');
/** Results of a run; the studio-only design (the first run) keeps the original name. */
const RESULTS = join(
  CACHE,
  `results${UTK_PER_STRATUM > 0 ? `-utk${UTK_PER_STRATUM}` : ''}${args.signs ? `-${args.signs.replaceAll(',', '+')}` : ''}${args.config ? `-${slug(args.config)}` : ''}.json`,
);
/** Where `--contrast` saves a sign's attributions (per training design, like RESULTS). */
const attributionsFile = (sign: SignName, sets: FeatureSetName[]): string =>
  join(
    CACHE,
    `attributions-${sign}-${sets.join('+')}${UTK_PER_STRATUM > 0 ? `-utk${UTK_PER_STRATUM}` : ''}.json`,
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
 * Studio identities split 70 / 70 by a seeded shuffle within each sex; UTKFace adults (no identity
 * labels, one photo each, 200 × 200 crops) join the training side only, so every held-out identity
 * is a studio face the screens never saw.
 */
function identitySplit(): { A: PublicPhoto[]; B: PublicPhoto[] } {
  const rng = createRandom(20240606);
  const A: PublicPhoto[] = [];
  const B: PublicPhoto[] = [];
  for (const sex of ['female', 'male']) {
    const s = studioPhotos().filter((p) => p.sex === sex);
    for (let i = s.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      [s[i], s[j]] = [s[j], s[i]];
    }
    A.push(...s.slice(0, s.length / 2));
    B.push(...s.slice(s.length / 2));
  }
  if (UTK_PER_STRATUM > 0) A.push(...utkAdults(UTK_PER_STRATUM));
  return { A, B };
}

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
    const r = await simulateCohort({
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

/**
 * A bundle holding one trained pipeline and a normative model of the training identities' own
 * unmodified photos, so that masked morphometrics and colour features go to the median of normal
 * faces of the same sex (the explainer's preferred reference), not to the training mean (which is
 * half phantoms).
 */
function bundleOf(
  name: string,
  sets: FeatureSetName[],
  model: Bundle['screens'][string],
  normative: NormativeModel,
): Bundle {
  return {
    normative,
    metadata: {
      schemaVersion: 1,
      name,
      version: '0.0.0',
      changelog: {},
      task: `binary screen: ${name} vs control`,
      description: 'pointing-game screen',
      intendedUse: 'validation of explanations only',
      disclaimer: DISCLAIMER,
      extractors: {},
      preprocessing: { alignment: 'canonical crop', quality: 'pass, warn' },
      trainingData: { description: 'phantoms', sources: [], photos: 0, subjects: 0, byLabel: {}, hash: '' },
      screens: [
        {
          name,
          classes: ['control', name],
          featureSets: sets,
          threshold: { value: 0.5, rule: 'fixed' },
          estimator: 'logistic',
          metrics: {},
          file: `screens/${name}.json`,
        },
      ],
      createdAt: new Date().toISOString(),
      softwareVersion: '',
      files: {},
    },
    screens: { [name]: model },
  };
}

interface Outcome {
  file: string;
  score: number;
  top: RegionName[];
  hit: boolean;
  tie: boolean;
  bestTargetRank: number;
}

function judge(a: RegionAttribution, targets: Set<RegionName>, file: string): Outcome {
  const max = a.regions[0].importance;
  const top = a.regions.filter((r) => r.importance >= max - 1e-12).map((r) => r.region);
  return {
    file,
    score: a.score,
    top,
    // Strict: every region tied for first must be a target.
    hit: top.every((r) => targets.has(r)),
    tie: top.length > 1,
    bestTargetRank: Math.min(...a.regions.filter((r) => targets.has(r.region)).map((r) => r.rank)),
  };
}

const { A, B } = identitySplit();
const inA = new Set(A.map((p) => p.subjectId));
const allSets = [...new Set(CONFIGS_RUN.flatMap((c) => c.sets))];

/** A sign's phantoms with their features, split into training identities and held-out ones. */
async function cohortOf(sign: SignName) {
  const rows = await phantoms(sign);
  const byFile = await features(rows.map((r) => r.file));
  const usable = rows.filter(
    (r) => byFile.get(r.file)?.faceCount && byFile.get(r.file)!.quality.status !== 'reject',
  );
  const train = usable.filter((r) => inA.has(r.subjectId));
  const heldOut = usable.filter((r) => !inA.has(r.subjectId));
  const normative = fitNormativeModel(
    train
      .filter((r) => r.label === 'control')
      .map((r) => ({
        sex: r.sex === 'female' || r.sex === 'male' ? r.sex : undefined,
        age: r.age,
        morphometrics: byFile.get(r.file)!.sets.morphometrics!,
        colour: byFile.get(r.file)!.sets.colour!,
      })),
    { minStratumSize: 30 },
  );
  return { byFile, usable, train, heldOut, normative };
}

/** Trains a sign's screen on the training identities (grouped by identity: a phantom and its control are one subject). */
function trainOn(sign: SignName, config: (typeof CONFIGS)[number], c: Awaited<ReturnType<typeof cohortOf>>) {
  const X = featureMatrix(
    c.train.map((r) => c.byFile.get(r.file)!),
    config.sets,
  );
  const trained = trainScreen(
    X,
    c.train.map((r) => (r.label === 'control' ? 0 : 1)),
    c.train.map((r) => r.subjectId),
    { columns: matrixColumns(config.sets), classes: ['control', sign], seed: 0 },
  );
  return { trained, bundle: bundleOf(sign, config.sets, trained.model, c.normative) };
}

/** What the proof keeps of an attribution (the report re-ranks from it, e.g. by contrast to normal faces). */
function saveable(file: string, a: RegionAttribution) {
  return {
    file,
    score: a.score,
    masked: Object.fromEntries(a.regions.map((x) => [x.region, x.maskedScore])),
  };
}

async function run(): Promise<Results> {
  const runner = createDescriptorRunner(2);
  const results: Results = {};
  const started = Date.now();
  try {
    for (const sign of SIGNS_RUN) {
      console.error(`${sign}:`);
      const c = await cohortOf(sign);
      const heldOutPhantoms = c.heldOut.filter((r) => r.label !== 'control');
      const targets = targetsOf(sign);
      console.error(
        `  ${c.usable.length} usable photos; training ${c.train.length} photos; ${heldOutPhantoms.length} held-out phantoms`,
      );
      results[sign] = {};
      for (const config of CONFIGS_RUN) {
        const { trained, bundle } = trainOn(sign, config, c);
        const C = (trained.model.hyperParameters as { C: number }).C;
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
        const outcomes: Outcome[] = [];
        const attributionsOf: unknown[] = [];
        for (const [i, r] of heldOutPhantoms.entries()) {
          const sex = r.sex === 'female' || r.sex === 'male' ? r.sex : undefined;
          const face = await prepareFace(bundle, target, await analyzeFace(r.file), { sex, age: r.age });
          const { attribution } = await attributeRegions(target, face, runner);
          outcomes.push(judge(attribution, targets, r.file));
          attributionsOf.push(saveable(r.file, attribution));
          if ((i + 1) % 10 === 0)
            console.error(`  ${config.name}: explained ${i + 1}/${heldOutPhantoms.length}`);
        }
        if (args.contrast) {
          // The training identities' unmodified studio photos, explained too: the report's baseline.
          const controls = c.train.filter((r) => r.label === 'control' && !r.subjectId.startsWith('utk:'));
          const saved = { phantoms: attributionsOf, controls: [] as unknown[] };
          for (const r of controls) {
            const sex = r.sex === 'female' || r.sex === 'male' ? r.sex : undefined;
            const face = await prepareFace(bundle, target, await analyzeFace(r.file), { sex, age: r.age });
            saved.controls.push(saveable(r.file, (await attributeRegions(target, face, runner)).attribution));
          }
          writeFileSync(attributionsFile(sign, config.sets), JSON.stringify(saved) + '\n');
        }
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
          heldOutAuc: auc,
          C,
          trainPhotos: c.train.length,
          missTops,
        };
        console.error(
          `  ${config.name}: C ${C}, pointing game ${hits}/${outcomes.length}, held-out AUC ${auc.toFixed(3)}`,
        );
      }
    }
  } finally {
    await runner.close();
  }
  results.meta = { minutes: (Date.now() - started) / 60000 };
  return results;
}

/**
 * The full explanation (regions, coarse heatmap, saliency, sanity checks) of the first held-out
 * phantom of a sign, with the default feature sets; its three figures side by side in
 * docs/figures/explain-example.png and the numbers in the cache (example.json).
 */
async function example(sign: SignName): Promise<void> {
  const c = await cohortOf(sign);
  const { bundle } = trainOn(sign, CONFIGS[0], c);
  const photo = c.heldOut.find((r) => r.label !== 'control')!;
  const explainer = await createExplainer({ model: bundle });
  try {
    const sex = photo.sex === 'female' || photo.sex === 'male' ? photo.sex : undefined;
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
    writeFileSync(join(ROOT, 'docs', 'figures', 'explain-example.png'), png);
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

/**
 * What the simulator changed in each region, over the held-out phantoms: the mean displacement of
 * the region's mesh vertices (from phantoms.json) and the mean colour difference ΔE*ab between the
 * region's mean CIELAB in the phantom and in its control (each photo's own aligned crop and regions).
 */
async function measureChanges(): Promise<void> {
  const out: Record<string, Record<string, { displacementPx: number; deltaE: number }>> = {};
  for (const sign of SIGNS_RUN) {
    const dir = join(CACHE, sign);
    const details = (
      JSON.parse(readFileSync(join(dir, 'phantoms.json'), 'utf8')) as {
        phantoms: {
          file: string;
          subject_id: string;
          changes: { byRegion: Record<string, { meanPx: number }> }[];
        }[];
      }
    ).phantoms.filter((p) => !inA.has(p.subject_id));
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
  writeFileSync(join(CACHE, 'changes.json'), JSON.stringify(out, null, 2) + '\n');
}

if (args.example) {
  await example(args.example as SignName);
} else if (args.changes) {
  await measureChanges();
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
    join(ROOT, 'docs', 'proof-pointing-game.md'),
    pointingGameReport(results, {
      severity: SEVERITY,
      configs: CONFIGS,
      signs: SIGNS_RUN,
      studioA: A.filter((p) => p.set !== 'utkface-crop-part1').length,
      utkA: A.filter((p) => p.set === 'utkface-crop-part1').length,
      utkPerStratum: UTK_PER_STRATUM,
      heldOut: B.length,
      cache: CACHE,
    }),
  );
  console.error('wrote docs/proof-pointing-game.md');
}
