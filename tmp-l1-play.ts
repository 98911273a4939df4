/** Replays the experiment's play() for lip_thickening only: original (proof caches) and L1 rows. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { normativeReference, type FeatureReference } from './src/explain/index.js';
import { DESCRIPTOR_MODELS } from './src/features/descriptors.js';
import { REGION_NAMES, type RegionName } from './src/face/regions.js';
import { fitNormativeModel, matrixColumns, predictWithPipeline } from './src/model/index.js';
import type { SignName } from './src/simulate/index.js';
import { SOFTWARE_VERSION } from './src/version.js';
import { rocAucScore } from './src/stats/index.js';
import { readPhantomManifest, type PhantomRow } from './scripts/lib/phantom-cohorts.js';
import { maskedMatrix, readMaskedPhoto, unmaskedMatrix, type MaskedPhoto } from './scripts/lib/pointing-game-masked.js';
import { CACHE, manifestRows, MASKED, ROOT, SPLITS } from './scripts/lib/pointing-game-replay.js';
import type { Split } from './scripts/lib/pointing-game-splits.js';
import {
  asAttribution,
  contrastRanked,
  contrastRankedAttributions,
  rankingValues,
  type SavedRun,
} from './scripts/lib/pointing-game-saved.js';
import { combineAttributions } from './src/explain/attribution.js';
import { strictHit, tiedFirst } from './scripts/lib/pointing-game-screen.js';
import { targetsOf } from './scripts/lib/pointing-game-tables.js';
import { VARIANTS, type Training } from './scripts/lib/pointing-game-variants.js';
import type { FeatureSetName } from './src/features/index.js';

const SIGN: SignName = 'lip_thickening';
const SETS = ['faceres', 'morphometrics', 'colour'] as const;
const R = REGION_NAMES.length;
const DIMS = DESCRIPTOR_MODELS.faceres.dims;
const SPLIT_NAMES = Object.keys(SPLITS);
const FO = join(CACHE, 'feature-occlusion');

interface Source { maskedDir: string; foDir: string; phantoms: PhantomRow[] }
const proofRows = manifestRows().get(SIGN)!;
const SOURCES: Record<string, Source> = {
  'simulate@1 (proof)': { maskedDir: MASKED, foDir: FO, phantoms: proofRows.phantoms },
  L1: {
    maskedDir: '/work/exp/l1/masked',
    foDir: '/work/exp/l1/feature-occlusion',
    phantoms: readPhantomManifest(join(ROOT, '.cache/exp-lips-L1/lip_thickening/manifest.csv')).filter((r) => r.label !== 'control'),
  },
};
const controlsRows = proofRows.controls;

const RANKINGS = [
  'pixel masking',
  'pixel masking, contrast to normal faces',
  'feature occlusion',
  'feature occlusion, contrast to normal faces',
  'pixel and feature, contrast averaged',
  'combined (`explain --region-method combined`)',
  'combined, contrast (`explain --region-method combined --baseline`)',
] as const;
type Ranking = (typeof RANKINGS)[number];
type Values = { region: RegionName; value: number }[];

function replayOf(src: Source) {
  // Controls always from the proof caches; the sign's phantoms from the source.
  const dirs = (group: string) =>
    group === 'controls' ? { masked: MASKED, fo: FO } : { masked: src.maskedDir, fo: src.foDir };
  const saved = new Map<string, MaskedPhoto | undefined>();
  const readOnce = (group: string, row: PhantomRow): MaskedPhoto | undefined => {
    const key = `${group}/${row.file}`;
    if (!saved.has(key)) saved.set(key, readMaskedPhoto(dirs(group).masked, group, row));
    return saved.get(key);
  };
  const listed = { phantoms: src.phantoms, controls: controlsRows };
  const load = (what: 'phantoms' | 'controls'): MaskedPhoto[] => {
    const group = what === 'phantoms' ? SIGN : 'controls';
    return listed[what].map((r) => readOnce(group, r)).filter((p): p is MaskedPhoto => p !== undefined);
  };
  const trainingOf = (split: Split, sets: FeatureSetName[]): Training => {
    const inA = new Set(split.A.map((p) => p.subjectId));
    const controls = load('controls').filter((p) => inA.has(p.subjectId));
    const normative = fitNormativeModel(
      controls.map((p) => ({ sex: p.sex, age: p.age, morphometrics: p.morphometrics, colour: p.colour })),
      { minStratumSize: 30 },
    );
    const references = new Map<MaskedPhoto, FeatureReference>();
    return {
      sets,
      sign: SIGN,
      rows: [...load('phantoms').filter((p) => inA.has(p.subjectId)), ...controls],
      controls,
      normative,
      reference: (p) => {
        if (!references.has(p)) references.set(p, normativeReference(normative, p));
        return references.get(p)!;
      },
    };
  };
  const fileOf = (group: string, row: PhantomRow) => join(dirs(group).fo, group, basename(row.file, '.jpg'));
  const savedRows = new Map<string, Float32Array | undefined>();
  function readRows(out: string, p: MaskedPhoto): Float32Array | undefined {
    const meta = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { software: string; splits: string[] };
    if (meta.software !== SOFTWARE_VERSION || meta.splits.join() !== SPLIT_NAMES.join()) throw new Error(`${out} stale`);
    const all = new Float32Array(new Uint8Array(readFileSync(`${out}.f32`)).buffer);
    if (all.length === 0) return undefined;
    const rowAt = (k: number) => all.subarray(k * DIMS, (k + 1) * DIMS);
    const drift = Math.max(...Array.from(rowAt(0), (v, i) => Math.abs(v - p.descriptorRows[0][i])));
    if (drift > 1e-4) throw new Error(`${out}: its crop differs from the masked rows' (${drift})`);
    return all;
  }
  const occlusionRows = (group: string, row: PhantomRow, p: MaskedPhoto) => {
    const out = fileOf(group, row);
    if (!savedRows.has(out)) savedRows.set(out, existsSync(`${out}.f32`) ? readRows(out, p) : undefined);
    return savedRows.get(out);
  };
  const occluded = (group: string, row: PhantomRow, split: number): MaskedPhoto | undefined => {
    const p = readOnce(group, row);
    const all = p && occlusionRows(group, row, p);
    if (!p || !all) return undefined;
    const rowAt = (k: number) => all.subarray(k * DIMS, (k + 1) * DIMS);
    const first = 1 + split * R;
    return {
      ...p,
      descriptorRows: [p.descriptorRows[0], ...REGION_NAMES.map((_, r) => rowAt(first + r)), p.descriptorRows[R + 1]],
    };
  };
  return { readOnce, load, trainingOf, occluded, listed };
}

/** The experiment's play() for the lip sign on one split, plus the held-out AUC as the screens script computes it. */
function play(src: Source, splitName: string) {
  const { readOnce, load, trainingOf, occluded, listed } = replayOf(src);
  const split = SPLITS[splitName];
  const s = SPLIT_NAMES.indexOf(splitName);
  const inB = new Set(split.B.map((p) => p.subjectId));
  const inA = new Set(split.A.map((p) => p.subjectId));
  const columns = matrixColumns([...SETS]);
  const sign = SIGN;
  const t = trainingOf(split, [...SETS]);
  const model = VARIANTS[0].train(t);
  const scores = (p: MaskedPhoto) => {
    const v = predictWithPipeline(model, maskedMatrix(p, [...SETS], t.reference(p)), columns);
    return { score: v[0], masked: Object.fromEntries(REGION_NAMES.map((r, k) => [r, v[k + 1]])) as Record<RegionName, number> };
  };
  const kept = (group: string, rows: PhantomRow[]) => rows.filter((row) => readOnce(group, row) && occluded(group, row, s));
  const phantomRows = kept(sign, listed.phantoms.filter((r) => inB.has(r.subjectId)));
  const controlRows = kept('controls', listed.controls.filter((r) => inA.has(r.subjectId)));
  const runOf = (occlude: boolean): SavedRun => {
    const pick = (group: string, rows: PhantomRow[]) =>
      rows.map((row) => scores((occlude ? occluded(group, row, s) : readOnce(group, row))!));
    return { phantoms: pick(sign, phantomRows), controls: pick('controls', controlRows) };
  };
  const pixel = runOf(false);
  const feature = runOf(true);
  const pixelContrast = contrastRanked(pixel, sign).map(rankingValues);
  const featureContrast = contrastRanked(feature, sign).map(rankingValues);
  const byRegion = (v: Values) => Object.fromEntries(v.map((x) => [x.region, x.value]));
  const combined = (group: 'phantoms' | 'controls') =>
    pixel[group].map((p, i) => combineAttributions(asAttribution(p), asAttribution(feature[group][i])));
  const library = contrastRankedAttributions(combined('phantoms'), combined('controls'), sign);
  const ranked: Record<Ranking, Values[]> = {
    'pixel masking': pixel.phantoms.map((p) => rankingValues(asAttribution(p))),
    'pixel masking, contrast to normal faces': pixelContrast,
    'feature occlusion': feature.phantoms.map((p) => rankingValues(asAttribution(p))),
    'feature occlusion, contrast to normal faces': featureContrast,
    'pixel and feature, contrast averaged': pixelContrast.map((v, i) => {
      const f = byRegion(featureContrast[i]);
      return v.map((x) => ({ region: x.region, value: (x.value + f[x.region]) / 2 }));
    }),
    'combined (`explain --region-method combined`)': combined('phantoms').map(rankingValues),
    'combined, contrast (`explain --region-method combined --baseline`)': library.map(rankingValues),
  };
  const led = library.filter((a) => a.lead.decisive);
  const decisive = { decisive: led.length, hits: led.filter((a) => strictHit(rankingValues(a), targetsOf(sign))).length };
  const hits = {} as Record<Ranking, { hits: number; n: number; misses: Record<string, number> }>;
  for (const ranking of RANKINGS) {
    const misses: Record<string, number> = {};
    let h = 0;
    for (const v of ranked[ranking]) {
      if (strictHit(v, targetsOf(sign))) h++;
      else for (const top of tiedFirst(v)) misses[top] = (misses[top] ?? 0) + 1;
    }
    hits[ranking] = { hits: h, n: ranked[ranking].length, misses };
  }
  // Held-out AUC on the split's B side (explained phantoms + their unmodified photos), unmasked.
  const heldOut = [...load('phantoms').filter((p) => inB.has(p.subjectId)), ...load('controls').filter((p) => inB.has(p.subjectId))];
  const auc = rocAucScore(
    heldOut.map((p) => (p.label === 'control' ? 0 : 1)),
    Array.from(predictWithPipeline(model, unmaskedMatrix(heldOut, [...SETS]), columns)),
  );
  // Mean phantom score on B, and detected (≥ 0.5).
  const det = pixel.phantoms.filter((p) => p.score >= 0.5).length;
  return { hits, decisive, auc, detected: det, trainPhantoms: t.rows.length - t.controls.length, trainControls: t.controls.length };
}

const results: Record<string, Record<string, ReturnType<typeof play>>> = {};
for (const [name, src] of Object.entries(SOURCES).filter(([n]) => !process.env.ONLY_PROOF || n !== 'L1')) {
  results[name] = {};
  for (const split of SPLIT_NAMES) results[name][split] = play(src, split);
}
writeFileSync('/work/exp/l1/results.json', JSON.stringify(results, null, 1));
const fmtMiss = (m: Record<string, number>) =>
  Object.entries(m).sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ') || '–';
const lines: string[] = [];
for (const [name, bySplit] of Object.entries(results)) {
  for (const [split, r] of Object.entries(bySplit)) {
    lines.push(`## ${name}, ${split} split — AUC ${r.auc.toFixed(3)}, detected ${r.detected}/${r.hits['pixel masking'].n}, trained on ${r.trainPhantoms} phantoms + ${r.trainControls} controls, decisive (combined contrast) ${r.decisive.hits}/${r.decisive.decisive}`);
    for (const k of RANKINGS) lines.push(`  ${k}: ${r.hits[k].hits}/${r.hits[k].n}   misses: ${fmtMiss(r.hits[k].misses)}`);
  }
}
writeFileSync('/work/exp/l1/results.md', lines.join('\n') + '\n');
console.log(lines.join('\n'));
