/**
 * The subject-level bootstrap: resample subjects (patients), not photos, because photos of one
 * person are not independent — resampling photos makes intervals too narrow. Stratified by class
 * so every replicate keeps the study's numbers of positive and negative subjects; seeded.
 */
import { normalCdf, normalQuantile, percentileSorted } from './distributions.js';
import { createRandom } from './random.js';
import type { ConfidenceInterval, StatsWarning } from './types.js';
import { checkConsistentLength, checkLevel, statsError } from './validate.js';

/**
 * Most replicates a caller may ask for: well past any interval's needs (Efron & Tibshirani 1993,
 * §19.3 suggest 1000–2000), and it keeps the replicate table (replicates × statistics doubles) small.
 */
export const MAX_RESAMPLES = 1_000_000;

/**
 * Fewest defined replicates for a two-sided interval at `level`: each tail, (1 − level)/2, must hold at
 * least one replicate, else the limits are the extreme replicates (or one replicate twice) and the
 * interval may even exclude its own estimate. 40 at 95 %.
 */
export function minIntervalReplicates(level: number): number {
  return Math.ceil(2 / (1 - level) - 1e-9);
}

/** Checks a replicate count in [min, MAX_RESAMPLES] (callers allow 0 = no bootstrap). */
export function checkResamples(value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min || value > MAX_RESAMPLES) {
    statsError(
      'invalid_option',
      `nResamples=${value} must be a whole number from ${min} to ${MAX_RESAMPLES.toLocaleString('en')}`,
      { parameter: 'nResamples', value },
    );
  }
  return value;
}

/**
 * A statistic evaluated on a weighted sample: `weights[i]` is how many times case i is in the
 * replicate (0 = left out). It writes one value per name into `out`; NaN marks "undefined in
 * this replicate" (e.g. PPV with no positive calls) and is counted, never averaged.
 */
export interface WeightedStatistic {
  names: readonly string[];
  evaluate(weights: Float64Array, out: Float64Array): void;
}

/** Options of {@link bootstrapBySubject}. */
export interface BootstrapOptions {
  /** Number of replicates, default 2000. */
  nResamples?: number;
  /** Confidence level, default 0.95. */
  level?: number;
  /** Seed of the generator (default 20240229); the same seed gives the same intervals. */
  seed?: number;
  /**
   * One value per case: subjects are resampled within each stratum. Usually the label. Omit for
   * an unstratified bootstrap. A subject with cases in several strata is refused
   * (`inconsistent_subject_label`) unless `mixedStrata` is "pattern".
   */
  strata?: ArrayLike<number | string>;
  /**
   * What to do with a subject whose cases span several strata — e.g. a person photographed as a
   * case and as their own matched control. "refuse" (default) throws; "pattern" stratifies
   * subjects by their pattern of strata ("0", "1", "0+1"), so each replicate keeps the numbers of
   * subjects of each pattern and a subject's cases stay together, with a `mixed_label_subjects` warning.
   */
  mixedStrata?: 'refuse' | 'pattern';
  /** Compute BCa intervals (needs a jackknife over subjects: one extra evaluation per subject). Default true. */
  bca?: boolean;
  /** Keep every replicate's values in the result (default false). */
  keepReplicates?: boolean;
}

/** One statistic's bootstrap summary. */
export interface BootstrapEstimate {
  /** The statistic on the full sample; null if undefined there. */
  estimate: number | null;
  /** Standard deviation of the defined replicates. */
  standardError: number | null;
  /** Percentile interval (Efron & Tibshirani 1993, §13.3). */
  percentile: ConfidenceInterval | null;
  /** Bias-corrected and accelerated interval (Efron, J Am Stat Assoc 1987;82:171–185). */
  bca: ConfidenceInterval | null;
  /** Replicates in which the statistic was defined. */
  nDefined: number;
  replicates?: number[];
}

/** {@link bootstrapBySubject}'s result. */
export interface BootstrapResult {
  estimates: Record<string, BootstrapEstimate>;
  nResamples: number;
  nSubjects: number;
  nCases: number;
  seed: number;
  level: number;
  stratified: boolean;
  /** Subjects with cases in more than one stratum (stratified by their pattern of strata). */
  nMixedSubjects: number;
  unit: 'subject';
  warnings: StatsWarning[];
}

/** Subjects as index lists over cases (compressed rows), with their strata. */
interface SubjectIndex {
  /** Cases of subject j: `cases[start[j]] … cases[start[j + 1] − 1]`. */
  start: Uint32Array;
  cases: Uint32Array;
  /** Subject indices per stratum. */
  strata: Uint32Array[];
  names: string[];
  /** Subjects with cases in more than one stratum. */
  mixed: string[];
}

function indexSubjects(
  subjects: ArrayLike<number | string>,
  strata?: ArrayLike<number | string>,
  mixedStrata: 'refuse' | 'pattern' = 'refuse',
): SubjectIndex {
  const ids = new Map<string, number>();
  const subjectOf = new Uint32Array(subjects.length);
  const names: string[] = [];
  for (let i = 0; i < subjects.length; i++) {
    const key = String(subjects[i]);
    let id = ids.get(key);
    if (id === undefined) {
      id = names.length;
      ids.set(key, id);
      names.push(key);
    }
    subjectOf[i] = id;
  }
  const nSub = names.length;
  const start = new Uint32Array(nSub + 1);
  for (let i = 0; i < subjectOf.length; i++) start[subjectOf[i] + 1]++;
  for (let j = 0; j < nSub; j++) start[j + 1] += start[j];
  const fill = start.slice(0, nSub);
  const cases = new Uint32Array(subjectOf.length);
  for (let i = 0; i < subjectOf.length; i++) cases[fill[subjectOf[i]]++] = i;
  const groups = new Map<string, number[]>();
  const mixed: string[] = [];
  for (let j = 0; j < nSub; j++) {
    const values = new Set<string>();
    for (let t = start[j]; t < start[j + 1] && strata !== undefined; t++) {
      const v = String(strata[cases[t]]);
      if (values.size > 0 && !values.has(v) && mixedStrata === 'refuse') {
        statsError(
          'inconsistent_subject_label',
          `subject "${names[j]}" has cases in different strata (${[...values][0]} and ${v}); a subject must have one label`,
          { subject: names[j], index: cases[t] },
        );
      }
      values.add(v);
    }
    // A subject's stratum is a property of the whole subject (its pattern), as a cluster bootstrap needs.
    const s = [...values].sort().join('+');
    if (values.size > 1) mixed.push(names[j]);
    const list = groups.get(s) ?? [];
    list.push(j);
    groups.set(s, list);
  }
  return { start, cases, strata: [...groups.values()].map((l) => Uint32Array.from(l)), names, mixed };
}

function mixedStrataWarning(mixed: string[], nSub: number): StatsWarning {
  const some =
    mixed
      .slice(0, 3)
      .map((m) => `"${m}"`)
      .join(', ') + (mixed.length > 3 ? ', …' : '');
  return {
    code: 'mixed_label_subjects',
    metric: 'bootstrap',
    message:
      `${mixed.length} of ${nSub} subjects (${some}) have cases under both labels — a matched case–control ` +
      'design within subject: the bootstrap resamples each subject with all its cases, stratified by label ' +
      'pattern (positive only, negative only, both)',
  };
}

/** Percentile of an ascending array at probability p in [0, 1] (type 7). */
function quantile(sorted: Float64Array, p: number): number {
  return percentileSorted(sorted, Math.min(100, Math.max(0, p * 100)));
}

/**
 * Bootstrap over subjects (cluster bootstrap; Davison & Hinkley 1997, §3.8; Field & Welsh 2007)
 * with percentile and BCa intervals (Efron 1987; Efron & Tibshirani, An Introduction to the
 * Bootstrap, 1993, §14.3). Each replicate draws, within each stratum, as many subjects as the
 * stratum has, with replacement, and evaluates the statistic with case weights = draw counts. BCa:
 * bias correction z₀ = Φ⁻¹(#{θ* < θ̂}/B + ½·#{θ* = θ̂}/B) (ties counted half, which matters for
 * discrete statistics such as a sensitivity), acceleration from the leave-one-subject-out
 * jackknife, a = Σ(θ̄ − θᵢ)³ / (6·(Σ(θ̄ − θᵢ)²)^{3/2}). Quantiles interpolate linearly (NumPy's
 * default; R's `quantile` type 7). Undefined replicates are left out and counted
 * (`undefined_in_replicates`); BCa is null if z₀ or a is not finite or the jackknife is undefined;
 * both intervals are null, with `degenerate_interval`, below {@link minIntervalReplicates} defined
 * replicates. `nResamples` above {@link MAX_RESAMPLES} is refused (`invalid_option`).
 * Reference implementations: SciPy's `scipy.stats.bootstrap` (method "BCa"), R's `boot.ci`.
 */
export function bootstrapBySubject(
  subjects: ArrayLike<number | string>,
  statistic: WeightedStatistic,
  options: BootstrapOptions = {},
): BootstrapResult {
  const nResamples = checkResamples(options.nResamples ?? 2000);
  const level = checkLevel(options.level ?? 0.95);
  const seed = options.seed ?? 20240229;
  if (!Number.isFinite(seed))
    statsError('invalid_option', `seed=${seed} must be a finite number`, { parameter: 'seed' });
  if (options.strata !== undefined) checkConsistentLength({ subjects, strata: options.strata });
  const nCases = subjects.length;
  if (nCases === 0) statsError('empty_input', 'subjects is empty', { parameter: 'subjects' });
  const idx = indexSubjects(subjects, options.strata, options.mixedStrata);
  const nSub = idx.names.length;
  const k = statistic.names.length;
  const weights = new Float64Array(nCases);
  const out = new Float64Array(k);

  weights.fill(1);
  statistic.evaluate(weights, out);
  const full = Float64Array.from(out);

  const reps = new Float64Array(nResamples * k);
  const rng = createRandom(seed);
  for (let b = 0; b < nResamples; b++) {
    weights.fill(0);
    for (const stratum of idx.strata) {
      for (let d = 0; d < stratum.length; d++) {
        const j = stratum[rng.nextInt(stratum.length)];
        for (let t = idx.start[j]; t < idx.start[j + 1]; t++) weights[idx.cases[t]] += 1;
      }
    }
    statistic.evaluate(weights, out);
    reps.set(out, b * k);
  }

  let jack: Float64Array | null = null;
  if ((options.bca ?? true) && nSub > 1) {
    jack = new Float64Array(nSub * k);
    weights.fill(1);
    for (let j = 0; j < nSub; j++) {
      for (let t = idx.start[j]; t < idx.start[j + 1]; t++) weights[idx.cases[t]] = 0;
      statistic.evaluate(weights, out);
      jack.set(out, j * k);
      for (let t = idx.start[j]; t < idx.start[j + 1]; t++) weights[idx.cases[t]] = 1;
    }
  }

  const warnings: StatsWarning[] = [];
  if (idx.mixed.length > 0) warnings.push(mixedStrataWarning(idx.mixed, nSub));
  const estimates: Record<string, BootstrapEstimate> = {};
  const alpha = (1 - level) / 2;
  statistic.names.forEach((name, m) => {
    const theta = full[m];
    const values: number[] = [];
    for (let b = 0; b < nResamples; b++) {
      const v = reps[b * k + m];
      if (!Number.isNaN(v)) values.push(v);
    }
    const sorted = Float64Array.from(values).sort();
    const nDefined = sorted.length;
    if (nDefined < nResamples) {
      warnings.push({
        code: 'undefined_in_replicates',
        metric: name,
        message: `${name} was undefined in ${nResamples - nDefined} of ${nResamples} replicates; they are left out`,
      });
    }
    const est: BootstrapEstimate = {
      estimate: Number.isNaN(theta) ? null : theta,
      standardError: null,
      percentile: null,
      bca: null,
      nDefined,
    };
    if (options.keepReplicates) est.replicates = values;
    if (nDefined >= 2) {
      let mean = 0;
      for (const v of sorted) mean += v;
      mean /= nDefined;
      let ss = 0;
      for (const v of sorted) ss += (v - mean) ** 2;
      est.standardError = Math.sqrt(ss / (nDefined - 1));
    }
    const enough = nDefined >= minIntervalReplicates(level);
    if (nDefined > 0 && est.estimate !== null && !enough) {
      warnings.push({
        code: 'degenerate_interval',
        metric: name,
        message: `${name}: no interval from ${nDefined} defined replicates; a ${level * 100} % interval needs at least ${minIntervalReplicates(level)}`,
      });
    }
    if (enough && est.estimate !== null) {
      est.percentile = {
        estimate: theta,
        lower: quantile(sorted, alpha),
        upper: quantile(sorted, 1 - alpha),
        level,
        method: 'bootstrap-percentile',
      };
      est.bca = bcaInterval(theta, sorted, jack, m, k, nSub, alpha, level);
      if (est.bca === null && jack !== null) {
        warnings.push({
          code: 'degenerate_interval',
          metric: name,
          message: `${name}: the BCa interval is undefined (all replicates on one side, or the jackknife undefined)`,
        });
      }
    }
    estimates[name] = est;
  });
  return {
    estimates,
    nResamples,
    nSubjects: nSub,
    nCases,
    seed,
    level,
    stratified: options.strata !== undefined,
    nMixedSubjects: idx.mixed.length,
    unit: 'subject',
    warnings,
  };
}

function bcaInterval(
  theta: number,
  sorted: Float64Array,
  jack: Float64Array | null,
  m: number,
  k: number,
  nSub: number,
  alpha: number,
  level: number,
): ConfidenceInterval | null {
  if (jack === null) return null;
  let below = 0;
  let equal = 0;
  for (const v of sorted) {
    if (v < theta) below++;
    else if (v === theta) equal++;
  }
  const z0 = normalQuantile((below + equal / 2) / sorted.length);
  if (!Number.isFinite(z0)) return null;
  let jm = 0;
  for (let j = 0; j < nSub; j++) {
    const v = jack[j * k + m];
    if (Number.isNaN(v)) return null;
    jm += v;
  }
  jm /= nSub;
  let num = 0;
  let den = 0;
  for (let j = 0; j < nSub; j++) {
    const d = jm - jack[j * k + m];
    num += d * d * d;
    den += d * d;
  }
  const a = den === 0 ? 0 : num / (6 * den ** 1.5);
  const adjust = (q: number): number => {
    const z = normalQuantile(q);
    return normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
  };
  const p1 = adjust(alpha);
  const p2 = adjust(1 - alpha);
  if (!Number.isFinite(p1) || !Number.isFinite(p2)) return null;
  return {
    estimate: theta,
    lower: quantile(sorted, p1),
    upper: quantile(sorted, p2),
    level,
    method: 'bootstrap-bca',
  };
}
