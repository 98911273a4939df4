/**
 * Agreement between the regions the model relies on and the regions experts look at — the seed
 * paper's "the regions of interest on the part of the machine were primarily the same as those upon
 * which the humans focused", made measurable: Spearman's ρ and Kendall's τ-b between the model's mean
 * region importance (over a cohort of explained photos) and the experts' mean rating, with
 * bootstrap confidence intervals that resample subjects (photos of one person together) and readers
 * independently.
 */
import type { TopLevelSpec } from 'vega-lite';
import { EndofaceError } from '../../core/index.js';
import { REGION_NAMES } from '../../face/index.js';
import { bootstrapBySubject, type ConfidenceInterval } from '../../stats/index.js';
import { checkResamples, minIntervalReplicates } from '../../stats/index.js';
import { rankingVector } from '../engine/attribution.js';
import type { CohortPhoto } from './cohort.js';
import {
  EXPERT_REGION_MEMBERS,
  type ExpertRegion,
  type HumanRoiTable,
  type RoiCondition,
} from './human-roi.js';
import { kendallTauB, spearmanCorrcoef } from '../../stats/index.js';

export interface AgreementOptions {
  /** The condition whose expert ratings are compared (the explained class's condition). */
  condition: RoiCondition;
  /**
   * `absolute` (default): a region's model importance is |Σ importance| of its parts — experts rate
   * where they look, whichever way the evidence points; `signed`: the signed sum.
   */
  importance?: 'absolute' | 'signed';
  /** Bootstrap replicates (default 2000; 0 = no interval; an interval needs ≥ 40 at 95 %). */
  nResamples?: number;
  level?: number;
  seed?: number;
}

/** The result of {@link regionAgreement}. */
export interface RegionAgreement {
  condition: RoiCondition;
  importance: 'absolute' | 'signed';
  humanScale: 'rating' | 'rank';
  /** The expert regions compared (those the experts rated for this condition), with both sides' values. */
  regions: { region: ExpertRegion; model: number; human: number; modelRank: number; humanRank: number }[];
  /** Spearman's ρ with its subject-and-reader bootstrap percentile interval (null: undefined). */
  spearman:
    ConfidenceInterval | { estimate: number | null; lower: null; upper: null; level: number; method: string };
  kendall: RegionAgreement['spearman'];
  photos: number;
  subjects: number;
  readers: number;
  nResamples: number;
  seed: number;
  notes: string[];
}

/** Ranks, 1 = largest value (ties share the best rank). */
const descendingRanks = (v: readonly number[]): number[] => v.map((x) => 1 + v.filter((y) => y > x).length);

/** Fewest expert regions a rank correlation is computed on. */
export const MIN_EXPERT_REGIONS = 3;

/**
 * Refuses ratings with fewer than {@link MIN_EXPERT_REGIONS} regions for `condition`, naming the
 * conditions the file does rate — cheap, so a run checks it before explaining any photo.
 *
 * @throws `invalid_input`
 */
export function checkExpertRatings(human: HumanRoiTable, condition: RoiCondition): void {
  const regions = new Set(human.rows.filter((r) => r.condition === condition).map((r) => r.region));
  if (regions.size >= MIN_EXPERT_REGIONS) return;
  const others = [...new Set(human.rows.map((r) => r.condition))].filter((c) => c !== condition);
  throw new EndofaceError(
    'invalid_input',
    `${human.file}: experts rated ${regions.size} region(s) for ${condition}; at least ${MIN_EXPERT_REGIONS} are needed for a rank correlation` +
      (others.length > 0 ? ` (the file rates ${others.join(', ')}; give \`condition\`)` : ''),
    { file: human.file, condition, regions: regions.size },
  );
}

/**
 * Why the agreement gets no interval, or undefined when it can have one. One subject cannot show
 * how agreement varies between photos (every replicate is the same photo set), and too few
 * replicates put a percentile limit on an extreme replicate.
 */
function noIntervalReason(nResamples: number, nSubjects: number, level: number): string | undefined {
  if (nResamples === 0) return 'no bootstrap';
  if (nSubjects < 2) return 'no interval: one subject, so the bootstrap cannot resample photos';
  const min = minIntervalReplicates(level);
  if (nResamples < min)
    return `no interval: ${nResamples} bootstrap replicate(s) are too few for a ${level * 100} % interval (at least ${min})`;
  return undefined;
}

/**
 * Spearman and Kendall (τ-b) agreement between the model's region importance over `photos` (each
 * an explanation of the condition's screen; pass the photos of affected subjects) and the experts'
 * ratings or ranks of the same regions for `options.condition`.
 *
 * The bootstrap resamples, in each replicate, the photos' subjects (all of a subject's photos
 * together) and, independently, the readers; ρ and τ are recomputed on the resampled means
 * (percentile interval; Efron & Tibshirani 1993, §13.3). With one reader, the interval reflects the
 * photos only (said in `notes`). With one subject, or fewer replicates than the level needs, there
 * is no interval: `lower`/`upper` are null and `method` (and `notes`) say why.
 *
 * @throws `invalid_input` when no photos are given or the experts rated fewer than 3 regions for
 *   the condition; `invalid_option` for `nResamples` not in 0–1,000,000
 */
export function regionAgreement(
  photos: readonly CohortPhoto[],
  human: HumanRoiTable,
  options: AgreementOptions,
): RegionAgreement {
  const importance = options.importance ?? 'absolute';
  const nResamples = checkResamples(options.nResamples ?? 2000, 0);
  const seed = options.seed ?? 20240229;
  const level = options.level ?? 0.95;
  if (photos.length === 0)
    throw new EndofaceError('invalid_input', 'no explained photos to compare with the experts', {
      condition: options.condition,
      photos: 0,
    });
  checkExpertRatings(human, options.condition);
  const rows = human.rows.filter((r) => r.condition === options.condition);
  const groups = [...new Set(rows.map((r) => r.region))];
  const memberIndex = groups.map((g) => EXPERT_REGION_MEMBERS[g].map((r) => REGION_NAMES.indexOf(r)));
  const P = photos.map((p) => {
    const v = rankingVector(p.regions);
    return memberIndex.map((idx) => {
      const s = idx.reduce((a, r) => a + v[r], 0);
      return importance === 'absolute' ? Math.abs(s) : s;
    });
  });
  const readers = [...new Set(rows.map((r) => r.reader))];
  // Ranks become "higher = more important" so that both sides point the same way.
  const H = readers.map((reader) =>
    groups.map((g) => {
      const row = rows.find((r) => r.reader === reader && r.region === g);
      return row === undefined ? NaN : human.kind === 'rank' ? -row.value : row.value;
    }),
  );
  const nP = P.length;
  const means = (weights: ArrayLike<number>): { model: number[]; human: number[] } => {
    const model = groups.map((_, g) => {
      let s = 0,
        w = 0;
      for (let i = 0; i < nP; i++) {
        s += weights[i] * P[i][g];
        w += weights[i];
      }
      return w > 0 ? s / w : NaN;
    });
    const hum = groups.map((_, g) => {
      let s = 0,
        w = 0;
      H.forEach((h, k) => {
        if (Number.isNaN(h[g])) return;
        s += weights[nP + k] * h[g];
        w += weights[nP + k];
      });
      return w > 0 ? s / w : NaN;
    });
    return { model, human: hum };
  };
  const correlations = (m: { model: number[]; human: number[] }): [number, number] =>
    [...m.model, ...m.human].some((v) => !Number.isFinite(v))
      ? [NaN, NaN]
      : [spearmanCorrcoef(m.model, m.human), kendallTauB(m.model, m.human)];
  const subjects = [
    ...photos.map((p, i) => `photo:${p.subject ?? p.file ?? i}`),
    ...readers.map((r) => `reader:${r}`),
  ];
  const strata = [...photos.map(() => 'photo'), ...readers.map(() => 'reader')];
  const full = means(new Float64Array(subjects.length).fill(1));
  const [rho, tau] = correlations(full);
  const nSubjects = new Set(photos.map((p, i) => p.subject ?? p.file ?? i)).size;
  const noInterval = noIntervalReason(nResamples, nSubjects, level);
  const interval = (estimate: number): RegionAgreement['spearman'] => ({
    estimate: Number.isFinite(estimate) ? estimate : null,
    lower: null,
    upper: null,
    level,
    method: noInterval ?? 'undefined in the bootstrap',
  });
  let spearman = interval(rho);
  let kendall = interval(tau);
  if (noInterval === undefined && Number.isFinite(rho)) {
    const boot = bootstrapBySubject(
      subjects,
      {
        names: ['spearman', 'kendall'],
        evaluate: (w, out) => {
          const [r, t] = correlations(means(w));
          out[0] = r;
          out[1] = t;
        },
      },
      { nResamples, level, seed, strata, bca: false },
    );
    const pick = (name: 'spearman' | 'kendall', fallback: RegionAgreement['spearman']) => {
      const p = boot.estimates[name].percentile;
      return p ? { ...p, method: 'bootstrap-percentile over subjects and readers' } : fallback;
    };
    spearman = pick('spearman', spearman);
    kendall = pick('kendall', kendall);
  }
  const modelRanks = descendingRanks(full.model);
  const humanRanks = descendingRanks(full.human);
  const notes: string[] = [];
  if (noInterval !== undefined && noInterval !== 'no bootstrap') notes.push(noInterval);
  else if (readers.length === 1) notes.push('one reader: the interval reflects the sampling of photos only');
  if (human.kind === 'rank')
    notes.push('human ranks were turned into scores (−rank) so that higher = more important');
  return {
    condition: options.condition,
    importance,
    humanScale: human.kind,
    regions: groups.map((region, g) => ({
      region,
      model: full.model[g],
      human: human.kind === 'rank' ? -full.human[g] : full.human[g],
      modelRank: modelRanks[g],
      humanRank: humanRanks[g],
    })),
    spearman,
    kendall,
    photos: photos.length,
    subjects: nSubjects,
    readers: readers.length,
    nResamples,
    seed,
    notes,
  };
}

const fmt = (ci: RegionAgreement['spearman']): string =>
  ci.estimate === null
    ? 'undefined'
    : `${ci.estimate.toFixed(2)}${ci.lower !== null && ci.upper !== null ? ` (${ci.lower.toFixed(2)} to ${ci.upper.toFixed(2)})` : ''}`;

/**
 * Side-by-side bars per region: the model's importance and the experts' rating (ranks as
 * (n + 1 − mean rank) / n), each divided by its largest value so both top out at 1; one panel per
 * condition, titled with ρ and τ-b and their intervals.
 */
export function agreementChartSpec(results: readonly RegionAgreement[]): TopLevelSpec {
  const panels = results.map((r) => {
    const n = r.regions.length;
    const maxModel = Math.max(...r.regions.map((x) => Math.abs(x.model))) || 1;
    const humanScore = (x: RegionAgreement['regions'][number]): number =>
      r.humanScale === 'rank' ? (n + 1 - x.human) / n : x.human;
    const maxHuman = Math.max(...r.regions.map(humanScore)) || 1;
    const order = [...r.regions].sort((a, b) => a.humanRank - b.humanRank).map((x) => x.region);
    const values = r.regions.flatMap((x) => [
      { region: x.region, source: 'model', value: x.model / maxModel, rank: x.modelRank },
      { region: x.region, source: 'experts', value: humanScore(x) / maxHuman, rank: x.humanRank },
    ]);
    return {
      title: {
        text: `${r.condition}: model vs experts`,
        subtitle: `Spearman ρ ${fmt(r.spearman)}; Kendall τ-b ${fmt(r.kendall)}; ${r.photos} photos, ${r.readers} reader(s)`,
      },
      width: 40 * n,
      height: 220,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: {
          field: 'region',
          type: 'nominal',
          sort: order,
          title: 'Region (experts\u2019 order)',
          axis: { labelAngle: -40 },
        },
        xOffset: { field: 'source', type: 'nominal', sort: ['experts', 'model'] },
        y: { field: 'value', type: 'quantitative', title: 'Relative importance (top = 1)' },
        color: {
          field: 'source',
          type: 'nominal',
          sort: ['experts', 'model'],
          scale: { domain: ['experts', 'model'], range: ['#3b4cc0', '#b40426'] },
          title: null,
        },
        tooltip: [{ field: 'region' }, { field: 'source' }, { field: 'rank' }],
      },
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: {
      font: 'DejaVu Sans, Arial, sans-serif',
      title: { anchor: 'start', fontSize: 14 },
      legend: { orient: 'top', labelFontSize: 12 },
    },
    vconcat: panels,
  } as TopLevelSpec;
}
