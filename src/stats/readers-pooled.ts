/**
 * Model versus a group of readers (all readers, or one level such as "consultant"): the readers'
 * mean operating point or mean AUC against the model on the same photos, with subject-bootstrap
 * intervals and p-values, and the plain-words sentence a paper needs.
 */
import { bootstrapBySubject, type BootstrapEstimate, type WeightedStatistic } from './bootstrap.js';
import { aucFromCounts, countAtThresholds, sortScores, type SortedScores } from './confusion.js';
import type { ModelPredictions, ReaderCases, RatingScale } from './readers.js';
import type { ConfidenceInterval, StatsWarning } from './types.js';

/** A bootstrapped quantity with its interval and, for differences, a two-sided p-value. */
export interface PooledQuantity {
  estimate: number | null;
  ci: ConfidenceInterval | null;
  /** Two-sided bootstrap p-value for H₀: value = 0 (differences only). */
  pValue: number | null;
}

/** One group of readers on one kind of scale, compared with the model. */
export interface PooledComparison {
  group: string;
  kind: 'binary' | 'rating';
  readers: string[];
  nImages: number;
  nSubjects: number;
  /** binary: readersMeanSensitivity, readersMeanSpecificity, modelSensitivityAtReadersSpecificity,
   * sensitivityDifference, modelSpecificityAtReadersSensitivity, specificityDifference;
   * rating: readersMeanAuc, modelAuc, aucDifference. */
  quantities: Record<string, PooledQuantity>;
  /** The sentence for the summary. */
  summary: string;
  bootstrap: {
    nResamples: number;
    seed: number;
    method: 'bca' | 'percentile';
    unit: 'subject';
    stratified: true;
  };
  warnings: StatsWarning[];
}

const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? 'n/a' : v.toFixed(d));
const fmtP = (p: number | null) => (p === null ? 'n/a' : p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`);
const fmtCi = (q: PooledQuantity) =>
  q.ci === null ? 'CI n/a' : `95 % CI ${fmt(q.ci.lower)} to ${fmt(q.ci.upper)}`;

/** Model's sensitivity at the most sensitive threshold with (weighted) specificity ≥ target; and vice versa. */
function modelAt(tps: Float64Array, fps: Float64Array, target: number, bySpecificity: boolean): number {
  const nPos = tps[tps.length - 1];
  const nNeg = fps[fps.length - 1];
  const eps = 1e-12;
  let best = 0;
  for (let k = -1; k < tps.length; k++) {
    const sens = k < 0 ? 0 : tps[k] / nPos;
    const spec = k < 0 ? 1 : 1 - fps[k] / nNeg;
    if (bySpecificity && spec >= target - eps) best = Math.max(best, sens);
    if (!bySpecificity && sens >= target - eps) best = Math.max(best, spec);
  }
  return best;
}

/** The statistic for a group, over the union U of images its readers rated. */
function groupStatistic(
  yU: Uint8Array,
  sU: Float64Array,
  readers: { local: Uint32Array; rating: Float64Array; sorted: SortedScores | null; y: Uint8Array }[],
  kind: 'binary' | 'rating',
): WeightedStatistic {
  const sortedModel = sortScores(sU);
  const tps = new Float64Array(sortedModel.thresholds.length);
  const fps = new Float64Array(sortedModel.thresholds.length);
  const maxLocal = Math.max(...readers.map((r) => r.local.length));
  const w = new Float64Array(maxLocal);
  const rt = new Float64Array(maxLocal);
  const rf = new Float64Array(maxLocal);
  const names =
    kind === 'binary'
      ? [
          'readersMeanSensitivity',
          'readersMeanSpecificity',
          'modelSensitivityAtReadersSpecificity',
          'sensitivityDifference',
          'modelSpecificityAtReadersSensitivity',
          'specificityDifference',
        ]
      : ['readersMeanAuc', 'modelAuc', 'aucDifference'];
  return {
    names,
    evaluate(weights, out) {
      countAtThresholds(sortedModel, yU, weights, tps, fps);
      const bothClasses = tps[tps.length - 1] > 0 && fps[fps.length - 1] > 0;
      let a = 0;
      let b = 0;
      let defined = 0;
      for (const r of readers) {
        for (let i = 0; i < r.local.length; i++) w[i] = weights[r.local[i]];
        if (kind === 'binary') {
          let tp = 0;
          let pos = 0;
          let tn = 0;
          let neg = 0;
          for (let i = 0; i < r.local.length; i++) {
            if (r.y[i] === 1) {
              pos += w[i];
              tp += w[i] * r.rating[i];
            } else {
              neg += w[i];
              tn += w[i] * (1 - r.rating[i]);
            }
          }
          if (pos > 0 && neg > 0) {
            a += tp / pos;
            b += tn / neg;
            defined++;
          }
        } else if (r.sorted !== null) {
          countAtThresholds(r.sorted, r.y, w, rt, rf);
          const k = r.sorted.thresholds.length - 1;
          if (rt[k] > 0 && rf[k] > 0) {
            a += aucFromCounts(rt.subarray(0, k + 1), rf.subarray(0, k + 1), rt[k], rf[k]);
            defined++;
          }
        }
      }
      if (defined === 0 || !bothClasses) {
        out.fill(NaN);
        return;
      }
      if (kind === 'binary') {
        const sens = a / defined;
        const spec = b / defined;
        const mSens = modelAt(tps, fps, spec, true);
        const mSpec = modelAt(tps, fps, sens, false);
        out.set([sens, spec, mSens, mSens - sens, mSpec, mSpec - spec]);
      } else {
        const readerAuc = a / defined;
        const modelAuc = aucFromCounts(tps, fps, tps[tps.length - 1], fps[fps.length - 1]);
        out.set([readerAuc, modelAuc, modelAuc - readerAuc]);
      }
    },
  };
}

/** Two-sided bootstrap p-value for H₀: difference = 0, by inverting the percentile interval. */
function bootstrapPValue(replicates: number[]): number | null {
  if (replicates.length === 0) return null;
  let le = 0;
  let ge = 0;
  for (const v of replicates) {
    if (v <= 0) le++;
    if (v >= 0) ge++;
  }
  return Math.min(1, (2 * Math.min(le, ge)) / replicates.length);
}

function quantity(e: BootstrapEstimate, isDifference: boolean): PooledQuantity {
  return {
    estimate: e.estimate,
    ci: e.bca ?? e.percentile,
    pValue: isDifference ? bootstrapPValue(e.replicates ?? []) : null,
  };
}

/**
 * Compares the model with a group of readers of one kind: binary readers by their mean
 * sensitivity and specificity (each reader on the photos they rated, then averaged), the model's
 * sensitivity at the readers' mean specificity and its specificity at their mean sensitivity;
 * rating readers (ordinal or 0–100) by their mean AUC against the model's AUC. Intervals are
 * subject-bootstrap BCa (percentile when BCa is undefined), stratified by label, the readers'
 * means and the model's threshold re-derived in every replicate; p-values invert the percentile
 * interval: p = 2·min(P*(Δ ≤ 0), P*(Δ ≥ 0)). This is a fixed-reader analysis (generalises to new
 * photos, not new readers); the Obuchowski–Rockette multi-reader model is not implemented.
 */
export function compareWithReaderGroup(
  predictions: ModelPredictions,
  group: string,
  members: ReaderCases[],
  scales: RatingScale[],
  kind: 'binary' | 'rating',
  options: { nResamples?: number; seed?: number; level?: number } = {},
): PooledComparison | null {
  const chosen = members.filter((_, i) =>
    kind === 'binary' ? scales[i] === 'binary' : scales[i] !== 'binary',
  );
  if (chosen.length === 0) return null;
  const union = [...new Set(chosen.flatMap((m) => m.cases))].sort((a, b) => a - b);
  const pos = new Map(union.map((c, i) => [c, i]));
  const yU = Uint8Array.from(union, (c) => predictions.label[c]);
  const sU = Float64Array.from(union, (c) => predictions.score[c]);
  const readers = chosen.map((m) => {
    const rating = Float64Array.from(m.rating);
    const y = Uint8Array.from(m.cases, (c) => predictions.label[c]);
    return {
      local: Uint32Array.from(m.cases, (c) => pos.get(c) as number),
      rating,
      y,
      sorted: kind === 'rating' ? sortScores(rating) : null,
    };
  });
  const stat = groupStatistic(yU, sU, readers, kind);
  const subjects = union.map((c) => predictions.subject[c]);
  const nResamples = options.nResamples ?? 2000;
  const seed = options.seed ?? 20240229;
  const boot = bootstrapBySubject(subjects, stat, {
    strata: yU,
    mixedStrata: 'pattern',
    nResamples,
    seed,
    level: options.level,
    keepReplicates: true,
  });
  const q: Record<string, PooledQuantity> = {};
  for (const name of stat.names) q[name] = quantity(boot.estimates[name], name.endsWith('Difference'));
  const who = `the ${chosen.length === 1 ? `${group === 'all' ? '' : `${group} `}reader's` : `${chosen.length} ${group === 'all' ? '' : `${group} `}readers'`}`;
  let summary: string;
  if (kind === 'binary') {
    const d = q.sensitivityDifference;
    summary =
      `At ${who} ${chosen.length === 1 ? '' : 'mean '}specificity of ${fmt(q.readersMeanSpecificity.estimate)}, the model's sensitivity is ` +
      `${fmt(q.modelSensitivityAtReadersSpecificity.estimate)} (${fmtCi(q.modelSensitivityAtReadersSpecificity)}) ` +
      `against their ${chosen.length === 1 ? '' : 'mean '}sensitivity of ${fmt(q.readersMeanSensitivity.estimate)}: a difference of ${fmt(d.estimate)} ` +
      `(${fmtCi(d)}), p ${fmtP(d.pValue)} (subject bootstrap, ${nResamples} replicates).`;
  } else {
    const d = q.aucDifference;
    summary =
      `The model's AUC is ${fmt(q.modelAuc.estimate)} (${fmtCi(q.modelAuc)}) against ${who} ${chosen.length === 1 ? '' : 'mean '}AUC of ` +
      `${fmt(q.readersMeanAuc.estimate)} (${fmtCi(q.readersMeanAuc)}): a difference of ${fmt(d.estimate)} (${fmtCi(d)}), ` +
      `p ${fmtP(d.pValue)} (subject bootstrap, ${nResamples} replicates).`;
  }
  return {
    group,
    kind,
    readers: chosen.map((m) => m.reader),
    nImages: union.length,
    nSubjects: boot.nSubjects,
    quantities: q,
    summary,
    bootstrap: {
      nResamples,
      seed,
      method: Object.values(q).every((v) => v.ci?.method !== 'bootstrap-percentile') ? 'bca' : 'percentile',
      unit: 'subject',
      stratified: true,
    },
    warnings: boot.warnings,
  };
}
