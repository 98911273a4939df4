import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMissingFeatures } from '../../src/model/missing-features.js';
import { FittedPipeline, fromRows, trainScreen } from '../../src/model/index.js';
import { createRandom } from '../../src/stats/index.js';

// A screen that leans on its first feature (the class signal), barely on the noise, not at all on a constant.
function fittedScreen(): FittedPipeline {
  const random = createRandom(3);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 200; i++) {
    const label = i % 2;
    rows.push([label * 2 + random.next(), random.next(), random.next(), 5]);
    y.push(label);
  }
  const { model } = trainScreen(
    fromRows(rows),
    y,
    rows.map((_, i) => `s${i}`),
    {
      columns: ['signal', 'noise1', 'noise2', 'constant'],
      classes: ['control', 'case'],
      grid: { C: [1] },
      seed: 0,
    },
  );
  return FittedPipeline.fromJSON(model);
}

test('a decision that hinges on a missing feature is unstable; one that does not is stable; nothing missing: no check', () => {
  const pipeline = fittedScreen();
  const decide = (q: ArrayLike<number>) => Number(q[1] >= 0.5);
  assert.equal(checkMissingFeatures(pipeline, [1.5, 0.5, 0.5, 5], decide), undefined);
  // A column constant in training says nothing; its mean fill is exact: no check.
  assert.equal(checkMissingFeatures(pipeline, [1.5, 0.5, 0.5, NaN], decide), undefined);

  // The signal itself missing: the mean fill sits between the classes, the draws fall on both sides.
  const hinge = checkMissingFeatures(pipeline, [NaN, 0.5, 0.5, 5], decide)!;
  assert.deepEqual(hinge.missing, ['signal']);
  assert.equal(hinge.stable, false);
  assert.ok(hinge.agreement < 0.95 && hinge.agreement > 0.05, String(hinge.agreement));
  assert.ok(
    hinge.probabilityRange![0] < 0.5 && hinge.probabilityRange![1] > 0.5,
    String(hinge.probabilityRange),
  );

  // A clear case with a noise feature missing: the decision holds whatever the noise was.
  const clear = checkMissingFeatures(pipeline, [2.9, NaN, 0.5, 5], decide)!;
  assert.deepEqual(clear.missing, ['noise1']);
  assert.equal(clear.stable, true);
  assert.equal(clear.agreement, 1);
  assert.ok(clear.probabilityRange![0] > 0.5);

  // Seeded: the same photo gets the same answer.
  assert.deepEqual(checkMissingFeatures(pipeline, [NaN, 0.5, 0.5, 5], decide), hinge);
});
