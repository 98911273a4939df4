import { COLOUR_FEATURES, MORPHOMETRICS, type FeatureSetName } from '../features/index.js';
import { REGION_NAMES, type RegionName } from '../face/index.js';
import { normalCdf } from '../stats/index.js';
import { fitLowRank, lowRankScores, type LowRankModel } from './normative-pca.js';
import type { Condition, ReasonSubset } from '../core/index.js';

/**
 * The normative model: what normal faces look like, by sex and age band, so that one face's
 * deviation can be read before any patient data exists ("nose width / inter-ocular distance is at the
 * 99th percentile for men of this age"). Per stratum, every morphometric and colour feature has a
 * robust location (median) and scale (1.4826 × MAD); a low-rank model of the descriptor space gives
 * a descriptor anomaly. Condition scores combine the signed z-scores of the features each condition
 * moves (DESIGN.md §3): Cushing-like = mean of (direction × z) over the Cushing features, likewise
 * acromegaly; their percentiles are read from the same scores of the normal faces.
 */
export const AGE_BANDS = ['18-29', '30-44', '45-59', '60+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export type Sex = 'female' | 'male';
export type { Condition };

/** A sex or age value the normative reference cannot use, and what is done instead. */
export interface CovariateWarning {
  code: ReasonSubset<'invalid_covariate'>;
  message: string;
}

/** The value of a covariate column, whatever the case of its name (`Sex`, `AGE`). */
function covariate(covariates: Record<string, string | undefined>, name: string): string | undefined {
  const key = Object.keys(covariates).find((k) => k.trim().toLowerCase() === name);
  const v = key === undefined ? undefined : covariates[key]?.trim();
  return v ? v : undefined;
}

/**
 * Sex and age from a manifest's covariate columns (`sex`: female/f/male/m/woman/man in any case;
 * `age`: years), undefined when absent or blank — the normative model then falls back to a coarser
 * group. A value that is present but unusable (`x`, `abc`, `-5`, `250`, a minor's age) is left out
 * the same way, with a warning that says so: silently comparing a face with the wrong group would
 * change its percentiles without a word. `instead` says, in words, what the caller uses in place of
 * an unusable value (or of a minor's age) when it is not a coarser group (e.g. "the sex estimated
 * from the face (female) is used").
 */
export function readSexAge(
  covariates: Record<string, string | undefined>,
  instead: { sex?: string; age?: string } = {},
): {
  sex?: Sex;
  age?: number;
  warnings: CovariateWarning[];
} {
  const warnings: CovariateWarning[] = [];
  const warn = (message: string) => warnings.push({ code: 'invalid_covariate', message });
  const s = covariate(covariates, 'sex');
  const sexText = s?.toLowerCase();
  const sex: Sex | undefined = ['female', 'f', 'woman'].includes(sexText ?? '')
    ? 'female'
    : ['male', 'm', 'man'].includes(sexText ?? '')
      ? 'male'
      : undefined;
  if (s !== undefined && sex === undefined)
    warn(`sex "${s}" is not female/f or male/m: ${instead.sex ?? 'compared with both sexes'}`);
  const a = covariate(covariates, 'age');
  let age: number | undefined = a === undefined ? undefined : Number(a);
  if (a !== undefined && !(Number.isFinite(age) && age! >= 0 && age! <= 120)) {
    warn(`age "${a}" is not a number of years from 0 to 120: ${instead.age ?? 'compared with all ages'}`);
    age = undefined;
  } else if (age !== undefined && age < 18)
    warn(
      `age ${age}: the normal faces are adults (18 and over): ${instead.age ?? 'compared with all adult ages'}`,
    );
  return { sex, age, warnings };
}

/** {@link readSexAge} without its warnings. */
export function sexAgeOf(covariates: Record<string, string | undefined>): { sex?: Sex; age?: number } {
  const { sex, age } = readSexAge(covariates);
  return { sex, age };
}

export function ageBandOf(age: number | undefined): AgeBand | undefined {
  if (age === undefined || !Number.isFinite(age) || age < 18) return undefined;
  return age < 30 ? '18-29' : age < 45 ? '30-44' : age < 60 ? '45-59' : '60+';
}

/** One normal face used to fit the model. */
export interface NormativeSample {
  sex?: Sex;
  age?: number;
  morphometrics: ArrayLike<number>;
  colour: ArrayLike<number>;
  descriptor?: ArrayLike<number>;
}

interface FeatureRef {
  name: string;
  set: 'morphometrics' | 'colour';
  regions: RegionName[];
  cushing: number;
  acromegaly: number;
}

const FEATURES: FeatureRef[] = [
  ...MORPHOMETRICS.map((d) => ({
    name: d.name,
    set: 'morphometrics' as const,
    regions: d.regions,
    cushing: d.cushing,
    acromegaly: d.acromegaly,
  })),
  ...COLOUR_FEATURES.map((d) => ({
    name: d.name,
    set: 'colour' as const,
    regions: d.regions,
    cushing: d.cushing,
    acromegaly: d.acromegaly,
  })),
];

/** Location and scale of each feature in one stratum. */
interface Stratum {
  key: string;
  n: number;
  median: number[];
  scale: number[];
}

/** 101 empirical quantiles (0th … 100th percentile) of a score over the normal faces. */
type QuantileTable = number[];

export interface NormativeModel {
  kind: 'normative';
  version: 1;
  featureNames: string[];
  strata: Stratum[];
  /** Smallest stratum used before falling back to a coarser one. */
  minStratumSize: number;
  descriptor?: { set: FeatureSetName; model: LowRankModel; t2: QuantileTable; residual: QuantileTable };
  conditionQuantiles: Record<Condition, QuantileTable>;
  regionQuantiles: Record<RegionName, QuantileTable>;
  /** Counts by sex and age band of the fitting set. */
  summary: { n: number; bySex: Record<string, number>; byAgeBand: Record<string, number> };
}

const MAX_Z = 8;

/** Median of the finite values (NaN when there are none). */
export function median(xs: readonly number[]): number {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function fitStratum(key: string, rows: number[][]): Stratum {
  const d = rows[0]?.length ?? FEATURES.length;
  const med = Array.from({ length: d }, (_, j) => median(rows.map((r) => r[j])));
  const scale = med.map((m, j) => {
    const mad = median(rows.map((r) => Math.abs(r[j] - m)));
    // A degenerate feature (all equal) gets a tiny scale rather than 0, so z stays finite.
    return Math.max(1.4826 * mad, Math.abs(m) * 1e-3, 1e-9);
  });
  return { key, n: rows.length, median: med, scale };
}

function quantiles(values: number[]): QuantileTable {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  return Array.from({ length: 101 }, (_, p) => {
    const pos = (p / 100) * (v.length - 1);
    const lo = Math.floor(pos);
    return v[lo] + (v[Math.min(v.length - 1, lo + 1)] - v[lo]) * (pos - lo);
  });
}

/** Percentile (0–100) of a value in a quantile table, interpolated; clamps outside the observed range. */
export function percentileOf(table: QuantileTable, value: number): number {
  if (!Number.isFinite(value)) return NaN;
  if (value <= table[0]) return 0;
  if (value >= table[100]) return 100;
  let lo = 0;
  let hi = 100;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (table[mid] <= value) lo = mid;
    else hi = mid;
  }
  const span = table[hi] - table[lo];
  return lo + (span > 0 ? (value - table[lo]) / span : 0);
}

const strataKeys = (sex?: Sex, band?: AgeBand): string[] => [
  ...(sex && band ? [`${sex}|${band}`] : []),
  ...(sex ? [`${sex}|all`] : []),
  ...(band ? [`all|${band}`] : []),
  'all|all',
];

/** A stratum key in words: `male|18-29` → "normal men aged 18–29", `all|all` → "all normal faces". */
export function describeStratum(key: string): string {
  const [sex, band] = key.split('|');
  const who = sex === 'male' ? 'men' : sex === 'female' ? 'women' : 'faces';
  const age =
    band === 'all' || band === undefined ? '' : ` aged ${band.replace('-', '–').replace('+', ' or over')}`;
  return `${sex === 'all' && !age ? 'all ' : ''}normal ${who}${age}`;
}

function rowOf(s: { morphometrics: ArrayLike<number>; colour: ArrayLike<number> }): number[] {
  return [...Array.from(s.morphometrics), ...Array.from(s.colour)];
}

export interface NormativeFitOptions {
  minStratumSize: number;
  descriptorSet?: FeatureSetName;
  descriptorRank: number;
}

/** The part of a face's assessment that needs only the strata (used while fitting, too). */
function zScores(
  model: Pick<NormativeModel, 'strata' | 'minStratumSize'>,
  row: number[],
  sex?: Sex,
  band?: AgeBand,
) {
  const strata = new Map(model.strata.map((s) => [s.key, s]));
  const key = strataKeys(sex, band).find((k) => (strata.get(k)?.n ?? 0) >= model.minStratumSize) ?? 'all|all';
  const st = strata.get(key)!;
  const z = row.map((v, j) => Math.max(-MAX_Z, Math.min(MAX_Z, (v - st.median[j]) / st.scale[j])));
  return { stratum: st, z };
}

function conditionScore(z: number[], condition: Condition): number {
  let s = 0;
  let n = 0;
  FEATURES.forEach((f, j) => {
    if (f[condition] !== 0 && Number.isFinite(z[j])) {
      s += f[condition] * z[j];
      n++;
    }
  });
  return n ? s / n : NaN;
}

function regionScores(z: number[]): Record<RegionName, number> {
  const out = {} as Record<RegionName, number>;
  for (const r of REGION_NAMES) {
    const zs = FEATURES.map((f, j) => (f.regions.includes(r) ? z[j] : NaN)).filter(Number.isFinite);
    out[r] = zs.length ? Math.sqrt(zs.reduce((s, v) => s + v * v, 0) / zs.length) : NaN;
  }
  return out;
}

/** Fits the normative model on normal faces. */
export function fitNormativeModel(
  samples: readonly NormativeSample[],
  options: Partial<NormativeFitOptions> = {},
): NormativeModel {
  const opts: NormativeFitOptions = { minStratumSize: 30, descriptorRank: 16, ...options };
  const rows = samples.map(rowOf);
  const groups = new Map<string, number[][]>();
  samples.forEach((s, i) => {
    for (const key of strataKeys(s.sex, ageBandOf(s.age)))
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(rows[i]);
  });
  const strata = [...groups.entries()]
    .map(([key, r]) => fitStratum(key, r))
    .sort((a, b) => a.key.localeCompare(b.key));
  const partial = { strata, minStratumSize: opts.minStratumSize };
  const zs = samples.map((s, i) => zScores(partial, rows[i], s.sex, ageBandOf(s.age)).z);
  const conditionQuantiles = {
    cushing: quantiles(zs.map((z) => conditionScore(z, 'cushing'))),
    acromegaly: quantiles(zs.map((z) => conditionScore(z, 'acromegaly'))),
  };
  const regionQuantiles = {} as Record<RegionName, QuantileTable>;
  const perRegion = zs.map(regionScores);
  for (const r of REGION_NAMES) regionQuantiles[r] = quantiles(perRegion.map((p) => p[r]));

  let descriptor: NormativeModel['descriptor'];
  const withDesc = samples.filter((s) => s.descriptor);
  if (opts.descriptorSet && withDesc.length > opts.descriptorRank + 1) {
    const model = fitLowRank(
      withDesc.map((s) => s.descriptor!),
      opts.descriptorRank,
    );
    const scores = withDesc.map((s) => lowRankScores(model, s.descriptor!));
    descriptor = {
      set: opts.descriptorSet,
      model,
      t2: quantiles(scores.map((s) => s.t2)),
      residual: quantiles(scores.map((s) => s.residual)),
    };
  }
  const count = (f: (s: NormativeSample) => string | undefined): Record<string, number> =>
    samples.reduce<Record<string, number>>(
      (acc, s) => ((acc[f(s) ?? 'unknown'] = (acc[f(s) ?? 'unknown'] ?? 0) + 1), acc),
      {},
    );
  return {
    kind: 'normative',
    version: 1,
    featureNames: FEATURES.map((f) => `${f.set}.${f.name}`),
    strata,
    minStratumSize: opts.minStratumSize,
    descriptor,
    conditionQuantiles,
    regionQuantiles,
    summary: { n: samples.length, bySex: count((s) => s.sex), byAgeBand: count((s) => ageBandOf(s.age)) },
  };
}

export interface NormativeAssessment {
  /** Which reference group the face was compared with (its key and in words), and its size. */
  reference: { stratum: string; description: string; n: number; fallback: boolean };
  features: { name: string; value: number; z: number; percentile: number }[];
  regions: { region: RegionName; score: number; percentile: number }[];
  conditions: Record<Condition, { score: number; percentile: number }>;
  descriptor?: { t2: number; t2Percentile: number; residual: number; residualPercentile: number };
}

/**
 * Compares one face with the normal faces of its sex and age band (falling back to a coarser group
 * when the stratum has fewer than `minStratumSize` faces; `reference.fallback` says so).
 * Feature percentiles assume a normal distribution of the robust z (Φ(z)); condition and region
 * percentiles are empirical, among the normal faces.
 */
export function assessNormative(
  model: NormativeModel,
  face: {
    sex?: Sex;
    age?: number;
    morphometrics: ArrayLike<number>;
    colour: ArrayLike<number>;
    descriptor?: ArrayLike<number>;
  },
): NormativeAssessment {
  const band = ageBandOf(face.age);
  const row = rowOf(face);
  const { stratum, z } = zScores(model, row, face.sex, band);
  const regions = regionScores(z);
  const assessment: NormativeAssessment = {
    reference: {
      stratum: stratum.key,
      description: describeStratum(stratum.key),
      n: stratum.n,
      fallback: stratum.key !== strataKeys(face.sex, band)[0],
    },
    features: FEATURES.map((f, j) => ({
      name: `${f.set}.${f.name}`,
      value: row[j],
      z: z[j],
      percentile: 100 * normalCdf(z[j]),
    })),
    regions: REGION_NAMES.map((r) => ({
      region: r,
      score: regions[r],
      percentile: percentileOf(model.regionQuantiles[r], regions[r]),
    })),
    conditions: {
      cushing: {
        score: conditionScore(z, 'cushing'),
        percentile: percentileOf(model.conditionQuantiles.cushing, conditionScore(z, 'cushing')),
      },
      acromegaly: {
        score: conditionScore(z, 'acromegaly'),
        percentile: percentileOf(model.conditionQuantiles.acromegaly, conditionScore(z, 'acromegaly')),
      },
    },
  };
  if (model.descriptor && face.descriptor) {
    const s = lowRankScores(model.descriptor.model, face.descriptor);
    assessment.descriptor = {
      t2: s.t2,
      t2Percentile: percentileOf(model.descriptor.t2, s.t2),
      residual: s.residual,
      residualPercentile: percentileOf(model.descriptor.residual, s.residual),
    };
  }
  return assessment;
}
