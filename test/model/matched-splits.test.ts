// A matched design — every subject photographed under both labels (before/after treatment, or a
// phantom and the same face unmodified) — must split by subject with both classes in every fold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldRows, stratifiedGroupKFold } from '../../src/model/index.js';

test('matched subjects (one photo per label each) are spread evenly and never split', () => {
  const labels: number[] = [];
  const groups: string[] = [];
  for (let s = 0; s < 23; s++) {
    labels.push(0, 1);
    groups.push(`s${s}`, `s${s}`);
  }
  // Plus a few unmatched subjects of each class.
  for (let s = 0; s < 6; s++) {
    labels.push(s % 2);
    groups.push(`u${s}`);
  }
  const fold = stratifiedGroupKFold(labels, groups, 5, 3);
  for (let f = 0; f < 5; f++) {
    const { train, test: held } = foldRows(fold, f);
    const trainGroups = new Set(Array.from(train, (i) => groups[i]));
    for (const i of held) assert.ok(!trainGroups.has(groups[i]), `subject ${groups[i]} on both sides`);
    const heldLabels = new Set(Array.from(held, (i) => labels[i]));
    assert.deepEqual([...heldLabels].sort(), [0, 1], `fold ${f} lacks a class`);
    const matched = new Set(Array.from(held, (i) => groups[i]).filter((g) => g.startsWith('s')));
    assert.ok(matched.size === 4 || matched.size === 5, `fold ${f}: ${matched.size} matched subjects`);
  }
});
