// The MLP: learns a non-linear boundary a linear model cannot, is reproducible from its seed,
// stops early on held-out subjects, handles 3 classes, and round-trips through JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aucOfProbabilities,
  fromRows,
  LogisticRegression,
  MlpClassifier,
  MlpModel,
} from '../../src/model/index.js';
import { createRandom } from '../../src/stats/random.js';
import { code } from './helpers.js';

/** XOR: y = 1 when x₀ and x₁ have the same sign; 2 more noise columns. */
function xor(n: number, seed: number) {
  const rng = createRandom(seed);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = [0, 1, 2, 3].map(() => 2 * rng.next() - 1);
    rows.push(r);
    y.push(r[0] * r[1] > 0 ? 1 : 0);
  }
  return { X: fromRows(rows), y: Int32Array.from(y) };
}

const train = xor(400, 1);
const test_ = xor(300, 2);

test('an MLP learns XOR, which a linear model cannot', () => {
  const mlp = new MlpClassifier({ hiddenUnits: 16, learningRate: 0.01, validationFraction: 0.15 }).fit(
    train.X,
    train.y,
    { seed: 3 },
  );
  const linear = new LogisticRegression().fit(train.X, train.y);
  const aucMlp = aucOfProbabilities(test_.y, mlp.predictProba(test_.X));
  const aucLinear = aucOfProbabilities(test_.y, linear.predictProba(test_.X));
  assert.ok(aucMlp > 0.95, `MLP AUC ${aucMlp}`);
  assert.ok(aucLinear < 0.65, `logistic AUC ${aucLinear}`);
  assert.ok(mlp.info && mlp.info.validationRows > 0 && mlp.info.bestEpoch <= mlp.info.epochs);
});

test('same seed → identical weights; another seed → other weights', () => {
  const fit = (seed: number) =>
    new MlpClassifier({ hiddenUnits: 8, maxEpochs: 5 }).fit(train.X, train.y, { seed });
  assert.deepEqual(fit(5).params, fit(5).params);
  assert.notDeepEqual(fit(5).params, fit(6).params);
});

test('early stopping keeps the best validation epoch, holding out whole subjects', () => {
  // Pure noise: the validation loss stops improving early, long before maxEpochs.
  const rng = createRandom(11);
  const X = fromRows(Array.from({ length: 200 }, () => Array.from({ length: 20 }, () => rng.next())));
  const y = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 1 : 0));
  const groups = Array.from({ length: 200 }, (_, i) => `s${Math.floor(i / 4)}`);
  const m = new MlpClassifier({ hiddenUnits: 32, learningRate: 0.01, patience: 5, maxEpochs: 300 }).fit(
    X,
    y,
    { groups, seed: 1 },
  );
  assert.ok(m.info);
  assert.ok(m.info.epochs < 300, `stopped at ${m.info.epochs}`);
  assert.equal(m.info.epochs, m.info.bestEpoch + 5);
  assert.equal(m.info.validationRows % 4, 0, 'whole subjects of 4 photos held out');
});

test('three classes: softmax outputs sum to 1 and the JSON round trip is exact', () => {
  const rng = createRandom(4);
  const centres = [
    [0, 0],
    [3, 0],
    [0, 3],
  ];
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 240; i++) {
    const c = i % 3;
    rows.push([centres[c][0] + rng.next() - 0.5, centres[c][1] + rng.next() - 0.5]);
    y.push(c);
  }
  const X = fromRows(rows);
  const m = new MlpClassifier({ hiddenUnits: 8, learningRate: 0.01 }).fit(X, y, { seed: 2 });
  assert.equal(m.nClasses, 3);
  const p = m.predictProba(X);
  let correct = 0;
  for (let i = 0; i < 240; i++) {
    const r = Array.from(p.data.subarray(3 * i, 3 * i + 3));
    assert.ok(Math.abs(r[0] + r[1] + r[2] - 1) < 1e-12);
    if (r.indexOf(Math.max(...r)) === y[i]) correct++;
  }
  assert.ok(correct / 240 > 0.95, `accuracy ${correct / 240}`);
  const back = MlpModel.fromJSON(JSON.parse(JSON.stringify(m)));
  assert.deepEqual(back.predictProba(X).data, p.data);
  assert.throws(() => MlpModel.fromJSON({ ...m.toJSON(), b2: [0, 0] }), code('invalid_pipeline'));
  assert.throws(
    () => new MlpClassifier({ hiddenUnits: 0 }),
    code('invalid_option', { parameter: 'hiddenUnits' }),
  );
});
