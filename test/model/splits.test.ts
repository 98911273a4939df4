// Subject-grouped stratified splits: no subject on both sides of any split, balanced classes,
// seeded determinism, and a clear error when a class has too few subjects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldRows, stratifiedGroupHoldout, stratifiedGroupKFold } from '../../src/model/index.js';
import { createRandom } from '../../src/stats/random.js';
import { code } from './helpers.js';

/** A randomised cohort: 1–9 photos per subject, subjects in random row order, 3 classes. */
function cohort(seed: number, subjects = 150) {
  const rng = createRandom(seed);
  const labels: number[] = [];
  const groups: string[] = [];
  const subjectLabel = Array.from({ length: subjects }, () => (rng.next() < 0.6 ? 0 : 1 + rng.nextInt(2)));
  const photos = subjectLabel.flatMap((_, s) => Array.from({ length: 1 + rng.nextInt(9) }, () => s));
  for (let i = photos.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [photos[i], photos[j]] = [photos[j], photos[i]];
  }
  for (const s of photos) {
    labels.push(subjectLabel[s]);
    groups.push(`id${s}`);
  }
  return { labels, groups, subjectLabel };
}

test('no subject is on both sides of any split, for many seeds, k and randomised cohorts', () => {
  for (let seed = 0; seed < 20; seed++) {
    const { labels, groups } = cohort(seed);
    for (const k of [2, 3, 5, 10]) {
      const fold = stratifiedGroupKFold(labels, groups, k, seed);
      assert.equal(fold.length, labels.length);
      for (let f = 0; f < k; f++) {
        const { train, test } = foldRows(fold, f);
        assert.equal(train.length + test.length, labels.length);
        const trainSubjects = new Set(Array.from(train, (i) => groups[i]));
        for (const i of test)
          assert.ok(
            !trainSubjects.has(groups[i]),
            `subject ${groups[i]} on both sides (seed ${seed}, k ${k}, fold ${f})`,
          );
      }
    }
  }
});

test('every fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ subjects of each class and similar photo counts', () => {
  const { labels, groups, subjectLabel } = cohort(42, 203);
  const k = 5;
  const fold = stratifiedGroupKFold(labels, groups, k, 1);
  for (let c = 0; c < 3; c++) {
    const nc = subjectLabel.filter((l) => l === c).length;
    for (let f = 0; f < k; f++) {
      const subjects = new Set(groups.filter((g, i) => fold[i] === f && labels[i] === c));
      assert.ok(
        subjects.size === Math.floor(nc / k) || subjects.size === Math.ceil(nc / k),
        `class ${c} fold ${f}: ${subjects.size} of ${nc}`,
      );
    }
  }
  const sizes = Array.from({ length: k }, (_, f) => fold.filter((v) => v === f).length);
  assert.ok(
    Math.max(...sizes) - Math.min(...sizes) <= (0.1 * labels.length) / k,
    `fold sizes ${sizes.join(', ')}`,
  );
});

test('deterministic with a seed; another seed gives other folds', () => {
  const { labels, groups } = cohort(7);
  const a = stratifiedGroupKFold(labels, groups, 5, 123);
  assert.deepEqual(stratifiedGroupKFold(labels, groups, 5, 123), a);
  assert.notDeepEqual(stratifiedGroupKFold(labels, groups, 5, 124), a);
});

test('a class with fewer subjects than folds is too_few_subjects, naming the class', () => {
  const labels = [0, 0, 0, 0, 1, 1, 1, 0, 0, 0];
  const groups = ['a', 'a', 'b', 'c', 'p', 'p', 'q', 'd', 'e', 'f'];
  assert.throws(
    () => stratifiedGroupKFold(labels, groups, 3, 0, ['control', 'cushing']),
    code('too_few_subjects', { class: 'cushing', subjects: 2, folds: 3 }),
  );
  assert.throws(
    () => stratifiedGroupKFold(labels, groups, 3, 0, ['control', 'cushing']),
    /class cushing has 2 subjects, fewer than the 3 folds/,
  );
  assert.doesNotThrow(() => stratifiedGroupKFold(labels, groups, 2));
  assert.throws(() => stratifiedGroupKFold(labels, groups, 1), code('invalid_option', { parameter: 'k' }));
  assert.throws(() => stratifiedGroupKFold(labels, groups.slice(1), 2), code('length_mismatch'));
});

test('the hold-out keeps whole subjects, every class on both sides, about the fraction asked', () => {
  const { labels, groups, subjectLabel } = cohort(3);
  const held = stratifiedGroupHoldout(labels, groups, 0.2, 9);
  const validSubjects = new Set(groups.filter((_, i) => held[i] === 1));
  groups.forEach((g, i) => assert.equal(held[i], validSubjects.has(g) ? 1 : 0, `subject ${g} split`));
  for (let c = 0; c < 3; c++) {
    const nc = subjectLabel.filter((l) => l === c).length;
    const nv = new Set(groups.filter((_, i) => held[i] === 1 && labels[i] === c)).size;
    assert.equal(nv, Math.round(0.2 * nc), `class ${c}`);
  }
  assert.deepEqual(stratifiedGroupHoldout(labels, groups, 0.2, 9), held);
  assert.equal(
    stratifiedGroupHoldout(labels, groups, 0, 9).reduce((a, b) => a + b, 0),
    0,
  );
});
