/**
 * Subject-grouped, stratified splits: every subject's photos stay on one side of every split, so
 * a model is never tested on a face it was trained on (the leak that inflates accuracy when a
 * bootstrap or a split resamples images instead of subjects).
 */
import { createRandom, type Random } from '../stats/index.js';
import { checkLength, checkNumber, modelError } from './validate.js';

/** Subjects indexed 0 … nGroups−1, with their rows and their stratum. */
interface GroupIndex {
  /** Group index of each row. */
  groupOf: Int32Array;
  /** Rows of each group. */
  rows: number[][];
  /**
   * Stratum of each group: the set of labels its photos carry. Most subjects have one label; a
   * subject photographed under two (a matched design: the same person before and after, or a
   * phantom and its unmodified photo) forms its own stratum, so such subjects are spread evenly too.
   */
  stratum: Int32Array;
  /** The distinct label values, ascending. */
  classes: number[];
  /** Number of subjects with at least one photo of each class (classes order). */
  subjectsPerClass: number[];
}

function indexGroups(labels: ArrayLike<number>, groups: ArrayLike<string | number>): GroupIndex {
  checkLength(groups, labels.length, 'groups');
  const ids = new Map<string | number, number>();
  const groupOf = new Int32Array(labels.length);
  const rows: number[][] = [];
  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  const classIndex = new Map(classes.map((c, k) => [c, k]));
  const counts: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isFinite(labels[i])) {
      modelError('invalid_label', `labels[${i}] is ${labels[i]}`, { parameter: 'labels', row: i });
    }
    let g = ids.get(groups[i]);
    if (g === undefined) {
      g = rows.length;
      ids.set(groups[i], g);
      rows.push([]);
      counts.push(new Array<number>(classes.length).fill(0));
    }
    groupOf[i] = g;
    rows[g].push(i);
    counts[g][classIndex.get(labels[i])!]++;
  }
  const keys = counts.map((c) =>
    c
      .map((n, k) => (n > 0 ? k : -1))
      .filter((k) => k >= 0)
      .join('+'),
  );
  const strataKeys = [...new Set(keys)].sort();
  const stratum = Int32Array.from(keys, (key) => strataKeys.indexOf(key));
  const subjectsPerClass = classes.map((_, k) => counts.filter((c) => c[k] > 0).length);
  return { groupOf, rows, stratum, classes, subjectsPerClass };
}

/** Fisher–Yates shuffle in place with the given generator. */
export function shuffleInPlace<T>(array: T[] | Int32Array, rng: Random): void {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = array[i];
    array[i] = array[j];
    array[j] = t;
  }
}

/**
 * A seed for a sub-task (an outer fold, an inner fold, a network's initialisation) derived from
 * the run's seed and the sub-task's position, so that every part is reproducible on its own.
 */
export function deriveSeed(seed: number, ...path: number[]): number {
  let h = (Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) >>> 0;
  for (const p of path) {
    h = Math.imul(h ^ ((p + 0x9e3779b9) >>> 0), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** The subjects of each stratum, shuffled by the seed, then largest first (stable). */
function subjectsByStratum(index: GroupIndex, seed: number): number[][] {
  const rng = createRandom(seed);
  const n = Math.max(0, ...index.stratum) + 1;
  return Array.from({ length: n }, (_, st) => {
    const list: number[] = [];
    index.stratum.forEach((l, g) => {
      if (l === st) list.push(g);
    });
    shuffleInPlace(list, rng);
    return list.sort((a, b) => index.rows[b].length - index.rows[a].length);
  });
}

/**
 * Assigns each row to one of k folds such that every subject (group) is in exactly one fold and
 * each class is spread evenly (after scikit-learn's `StratifiedGroupKFold(shuffle=True)`, with a
 * simpler rule that makes the balance provable): a class's subjects, shuffled by the seed and
 * taken largest first, are dealt in rounds of k, one to each fold, each to the fold that has the
 * fewest photos of that class so far (ties: fewest photos in total, then lowest fold). So every
 * fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ subjects of class c, and the photo counts are balanced greedily.
 * Subjects are stratified by the set of labels their photos carry, so single-label subjects are
 * balanced per class and matched subjects (photos under two labels) are spread evenly as well.
 *
 * Deterministic given the seed. Throws `too_few_subjects` naming the class when a class has
 * fewer than k subjects, because some fold's test set would then miss that class.
 *
 * @param labels class label of each row (photo).
 * @param groups subject id of each row.
 * @param k number of folds (≥ 2).
 * @returns the fold (0 … k−1) of each row; see {@link foldRows}.
 * @example
 * stratifiedGroupKFold([0, 0, 1, 1, 0, 1], ['a', 'a', 'b', 'b', 'c', 'd'], 2, 0) // e.g. Int32Array [1, 1, 0, 0, 0, 1]
 */
export function stratifiedGroupKFold(
  labels: ArrayLike<number>,
  groups: ArrayLike<string | number>,
  k: number,
  seed = 0,
  classNames: readonly string[] = [],
): Int32Array {
  checkNumber('k', k, 2, Infinity, true);
  const index = indexGroups(labels, groups);
  const byClass = subjectsByStratum(index, seed);
  index.subjectsPerClass.forEach((n, c) => {
    if (n < k) {
      const name = classNames[index.classes[c]] ?? String(index.classes[c]);
      modelError(
        'too_few_subjects',
        `class ${name} has ${n} subject${n === 1 ? '' : 's'}, fewer than the ${k} folds; every fold needs at least one`,
        { class: name, subjects: n, folds: k },
      );
    }
  });
  const groupFold = new Int32Array(index.rows.length);
  const total = new Array<number>(k).fill(0);
  byClass.forEach((list) => {
    const ofClass = new Array<number>(k).fill(0);
    for (let start = 0; start < list.length; start += k) {
      const free = Array.from({ length: k }, (_, f) => f);
      for (const g of list.slice(start, start + k)) {
        let best = 0;
        for (let q = 1; q < free.length; q++) {
          const f = free[q];
          const b = free[best];
          if (ofClass[f] < ofClass[b] || (ofClass[f] === ofClass[b] && total[f] < total[b])) best = q;
        }
        const f = free.splice(best, 1)[0];
        groupFold[g] = f;
        ofClass[f] += index.rows[g].length;
        total[f] += index.rows[g].length;
      }
    }
  });
  return Int32Array.from(index.groupOf, (g) => groupFold[g]);
}

/** The training rows (every fold but f) and test rows (fold f) of a fold assignment, ascending. */
export function foldRows(fold: ArrayLike<number>, f: number): { train: Int32Array; test: Int32Array } {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < fold.length; i++) (fold[i] === f ? test : train).push(i);
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/**
 * A subject-grouped, stratified hold-out split (for early stopping): of each class's subjects,
 * shuffled by the seed, round(fraction · n_c) — at least 1, and never all of them — go to
 * validation. A class with a single subject stays entirely in training.
 *
 * @returns 1 for each validation row, 0 for each training row.
 */
export function stratifiedGroupHoldout(
  labels: ArrayLike<number>,
  groups: ArrayLike<string | number>,
  fraction: number,
  seed = 0,
): Uint8Array {
  checkNumber('validationFraction', fraction, 0, 0.5);
  const index = indexGroups(labels, groups);
  const held = new Uint8Array(index.rows.length);
  for (const list of subjectsByStratum(index, seed)) {
    shuffleInPlace(list, createRandom(deriveSeed(seed, list.length)));
    const n = fraction === 0 ? 0 : Math.min(list.length - 1, Math.max(1, Math.round(fraction * list.length)));
    for (const g of list.slice(0, n)) held[g] = 1;
  }
  return Uint8Array.from(index.groupOf, (g) => held[g]);
}
