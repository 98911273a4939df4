/**
 * The whole comparison with experts in one call: every reader, every reader level, all readers
 * pooled, inter-reader agreement, and the summary sentences.
 */
import { compareWithReaderGroup, type PooledComparison } from './readers-pooled.js';
import {
  compareWithReader,
  detectRatingScale,
  groupRatingsByReader,
  interReaderKappa,
  type InterReaderKappa,
  type ModelPredictions,
  type ReaderRatings,
  type ReaderResult,
} from './readers.js';
import type { StatsWarning } from './types.js';
import { checkLevel } from './validate.js';

/** Options of {@link compareWithReaders}. */
export interface ReaderStudyOptions {
  /** Primary model threshold for McNemar and kappa (score ≥ threshold), default 0.5. */
  threshold?: number;
  level?: number;
  /** Subject-bootstrap replicates for the pooled comparisons, default 2000. */
  nResamples?: number;
  seed?: number;
}

/** {@link compareWithReaders}'s result. */
export interface ReaderStudy {
  readers: ReaderResult[];
  /** Groups: "all", then each reader level; binary and rating readers compared separately. */
  pooled: PooledComparison[];
  interReaderKappa: InterReaderKappa[];
  /** Plain-words sentences, pooled first. */
  summary: string[];
  warnings: StatsWarning[];
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));
const fp = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

function readerSentence(r: ReaderResult): string {
  const name = `Reader ${r.reader}${r.level === null ? '' : ` (${r.level})`}`;
  if (r.scale === 'binary' && r.metrics !== null) {
    const m = r.metrics;
    const pt = r.operatingPoints[0];
    let s = `${name}: sensitivity ${f3(m.sensitivity.estimate)} (95 % CI ${f3(m.sensitivity.lower)} to ${f3(m.sensitivity.upper)}), specificity ${f3(m.specificity.estimate)} (95 % CI ${f3(m.specificity.lower)} to ${f3(m.specificity.upper)}).`;
    if (pt !== undefined) {
      s += ` The reader's point lies ${pt.position} the model's ROC curve: at the reader's specificity the model's sensitivity is ${f3(pt.modelSensitivityAtReaderSpecificity)} (${pt.sensitivityGap >= 0 ? '+' : ''}${f3(pt.sensitivityGap)}).`;
    }
    if (r.matchedSpecificity !== null) {
      s += ` McNemar on the positives at that matched threshold: exact ${fp(r.matchedSpecificity.mcnemar.exact.pValue)}, mid-p ${fp(r.matchedSpecificity.mcnemar.midP.pValue)}.`;
    }
    return s;
  }
  if (r.delong !== null && r.readerAuc !== null) {
    return `${name}: AUC ${f3(r.readerAuc.estimate)} (95 % CI ${f3(r.readerAuc.lower)} to ${f3(r.readerAuc.upper)}) against the model's ${f3(r.delong.auc[0])} on the same photos; paired DeLong z = ${r.delong.statistic.toFixed(2)}, ${fp(r.delong.pValue)}.`;
  }
  return `${name}: no comparison (one class only among the rated photos).`;
}

/**
 * Compares the model with every reader ({@link compareWithReader}), with each reader level and
 * with all readers pooled ({@link compareWithReaderGroup}), and computes inter-reader kappa.
 *
 * @example
 * const study = compareWithReaders(predictions, ratings, { seed: 1 });
 * study.summary[0] // "At the 2 readers' mean specificity of 0.762, the model's sensitivity is …"
 */
export function compareWithReaders(
  predictions: ModelPredictions,
  ratings: ReaderRatings,
  options: ReaderStudyOptions = {},
): ReaderStudy {
  const level = checkLevel(options.level ?? 0.95);
  const groups = groupRatingsByReader(predictions, ratings);
  const scales = groups.map((g) => detectRatingScale(g.rating, g.reader));
  const readers = groups.map((g) =>
    compareWithReader(predictions, g, { threshold: options.threshold, level }),
  );
  const levels = [...new Set(groups.map((g) => g.level).filter((l): l is string => l !== null))].sort();
  const pooled: PooledComparison[] = [];
  const boot = { nResamples: options.nResamples, seed: options.seed, level };
  for (const groupName of ['all', ...levels]) {
    const idx = groups
      .map((g, i) => (groupName === 'all' || g.level === groupName ? i : -1))
      .filter((i) => i >= 0);
    const members = idx.map((i) => groups[i]);
    const memberScales = idx.map((i) => scales[i]);
    for (const kind of ['binary', 'rating'] as const) {
      // A level whose readers of this kind are exactly all readers of this kind repeats "all".
      const sameAsAll = (k: typeof kind) =>
        groupName !== 'all' &&
        idx.filter((i) => (scales[i] === 'binary') === (k === 'binary')).length ===
          scales.filter((sc) => (sc === 'binary') === (k === 'binary')).length;
      if (sameAsAll(kind)) continue;
      const c = compareWithReaderGroup(predictions, groupName, members, memberScales, kind, boot);
      if (c !== null) pooled.push(c);
    }
  }
  const warnings: StatsWarning[] = [
    ...readers.flatMap((r) => r.warnings),
    ...pooled.flatMap((p) => p.warnings),
  ];
  return {
    readers,
    pooled,
    interReaderKappa: interReaderKappa(groups),
    summary: [...pooled.map((p) => p.summary), ...readers.map(readerSentence)],
    warnings,
  };
}
