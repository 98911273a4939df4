// Logistic and multinomial regression: optimality conditions of the scikit-learn objective,
// agreement with the stats module's unpenalised fit, solvers, class weights, serialization.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fromRows,
  LogisticModel,
  LogisticRegression,
  logisticObjective,
  MultinomialLogisticRegression,
  MultinomialModel,
  multinomialObjective,
  type Matrix64,
} from '../../src/model/index.js';
import { fitLogistic } from '../../src/stats/logistic.js';
import { syntheticCohort } from './synthetic.js';
import { code, near } from './helpers.js';

const cohort = syntheticCohort({ subjects: 120, photos: 1, features: 6, informative: 2, effect: 1, seed: 3 });
const X = cohort.X as Matrix64;
const y = Int32Array.from(cohort.y);

/** ∇ of scikit-learn's objective ½‖w‖² + C Σ sᵢ ℓᵢ at the fitted model, computed directly. */
function sklearnGradient(m: LogisticModel, weights: ArrayLike<number>): Float64Array {
  const g = new Float64Array(X.cols + 1);
  for (let j = 0; j < X.cols; j++) g[j] = m.coef[j];
  const z = m.decisionFunction(X).data;
  for (let i = 0; i < X.rows; i++) {
    const r = m.C * weights[i] * (1 / (1 + Math.exp(-z[i])) - y[i]);
    for (let j = 0; j < X.cols; j++) g[j] += r * X.data[i * X.cols + j];
    g[X.cols] += r;
  }
  return g;
}

test('the fit zeroes the gradient of ½‖w‖² + C·Σ sᵢ·logloss (intercept unpenalised), both solvers', () => {
  const weights = Array.from({ length: X.rows }, (_, i) => 0.5 + (i % 3));
  for (const solver of ['newton', 'lbfgs'] as const) {
    const m = new LogisticRegression({ C: 0.3, solver, tol: 1e-10 }).fit(X, y, { sampleWeight: weights });
    assert.equal(m.info?.solver, solver);
    assert.ok(m.info?.converged, `${solver} converged`);
    // Newton reaches machine precision; L-BFGS stops where f no longer changes in double precision.
    const tol = solver === 'newton' ? 1e-9 : 1e-6;
    for (const gj of sklearnGradient(m, weights)) near(gj, 0, tol, `${solver} gradient`);
  }
  const a = new LogisticRegression({ C: 0.3, solver: 'newton', tol: 1e-10 }).fit(X, y);
  const b = new LogisticRegression({ C: 0.3, solver: 'lbfgs', tol: 1e-10 }).fit(X, y);
  a.coef.forEach((v, j) => near(v, b.coef[j], 1e-6, `coef ${j}`));
  near(a.intercept, b.intercept, 1e-6, 'intercept');
});

test('C → ∞ on 1-D data equals the unpenalised maximum-likelihood fit of src/stats/logistic.ts', () => {
  const x = Float64Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols]);
  const ref = fitLogistic(Uint8Array.from(y), x, null, null);
  assert.ok(ref);
  for (const solver of ['newton', 'lbfgs'] as const) {
    const m = new LogisticRegression({ C: 1e12, solver, tol: 1e-12 }).fit(
      { data: x, rows: x.length, cols: 1 },
      y,
    );
    near(m.coef[0], ref.b, 1e-7, `${solver} slope`);
    near(m.intercept, ref.a, 1e-7, `${solver} intercept`);
  }
});

test('a hand-checkable case: two symmetric points give intercept 0 and w = 2C(1 − σ(w))', () => {
  // One positive at x = +1, one negative at x = −1: by symmetry b = 0, and ∂/∂w of
  // ½w² + C·[log(1 + e^(−w)) + log(1 + e^(−w))] vanishes where w = 2C·(1 − σ(w)).
  const m = new LogisticRegression({ C: 1, tol: 1e-12 }).fit(fromRows([[1], [-1]]), [1, 0]);
  near(m.intercept, 0, 1e-10, 'intercept');
  const w = m.coef[0];
  near(w, 2 * (1 - 1 / (1 + Math.exp(-w))), 1e-10, 'w = 2C(1 − σ(w))');
  near(w, 0.6748316143423994, 1e-9, 'w (bisection of the condition)');
});

test('separable data with finite C: finite coefficients and a zero gradient', () => {
  const Xs = fromRows([[0], [1], [2], [3], [4], [5]]);
  const m = new LogisticRegression({ C: 10, tol: 1e-10 }).fit(Xs, [0, 0, 0, 1, 1, 1]);
  assert.ok(Number.isFinite(m.coef[0]) && m.coef[0] > 1);
  const theta = Float64Array.of(m.coef[0], m.intercept);
  const g = new Float64Array(2);
  logisticObjective(Xs, Int32Array.of(0, 0, 0, 1, 1, 1), new Float64Array(6).fill(1 / 6), 1 / 60, theta, g);
  for (const v of g) near(v, 0, 1e-9, 'gradient');
  near(m.predictProba(fromRows([[2.5]])).data[1], 0.5, 1e-9, 'P at the midpoint');
});

test('balanced class weights move the decision toward the minority class as scikit-learn defines them', () => {
  const imbalanced = syntheticCohort({
    subjects: 200,
    photos: 1,
    features: 3,
    informative: 3,
    effect: 1,
    prevalence: 0.15,
    seed: 9,
  });
  const plain = new LogisticRegression({ C: 1 }).fit(imbalanced.X, imbalanced.y);
  const balanced = new LogisticRegression({ C: 1 }).fit(imbalanced.X, imbalanced.y, {
    classWeight: 'balanced',
  });
  const meanP = (m: LogisticModel) => {
    const p = m.predictProba(imbalanced.X).data;
    let s = 0;
    for (let i = 0; i < imbalanced.X.rows; i++) s += p[2 * i + 1];
    return s / imbalanced.X.rows;
  };
  const prevalence = imbalanced.y.filter((v) => v === 1).length / imbalanced.y.length;
  near(meanP(plain), prevalence, 0.01, 'unweighted mean P ≈ prevalence');
  assert.ok(
    meanP(balanced) > prevalence + 0.15,
    `balanced mean P ${meanP(balanced)} well above ${prevalence}`,
  );
  // 'balanced' is n / (2·n_c): the same as an explicit record with those weights.
  const nPos = imbalanced.y.filter((v) => v === 1).length;
  const n = imbalanced.y.length;
  const explicit = new LogisticRegression({ C: 1 }).fit(imbalanced.X, imbalanced.y, {
    classWeight: { '0': n / (2 * (n - nPos)), '1': n / (2 * nPos) },
  });
  balanced.coef.forEach((v, j) => near(v, explicit.coef[j], 1e-9, `coef ${j}`));
  assert.throws(
    () =>
      new LogisticRegression().fit(X, y, {
        classWeight: { cushing: 2 },
        classNames: ['control', 'acromegaly'],
      }),
    code('invalid_option', { parameter: 'classWeight', value: 'cushing' }),
  );
});

test('errors: one class, NaN features, bad C, more than two classes', () => {
  assert.throws(() => new LogisticRegression().fit(fromRows([[1], [2]]), [1, 1]), code('single_class'));
  assert.throws(
    () => new LogisticRegression().fit(fromRows([[1], [NaN]]), [0, 1]),
    code('invalid_feature', { row: 1, column: 0 }),
  );
  assert.throws(() => new LogisticRegression({ C: 0 }), code('invalid_option', { parameter: 'C' }));
  assert.throws(() => new LogisticRegression({ solver: 'newtn' as 'newton' }), /did you mean "newton"/);
  assert.throws(
    () => new LogisticRegression().fit(fromRows([[1], [2], [3]]), [0, 1, 2]),
    code('invalid_option'),
  );
  assert.throws(() => new LogisticRegression().fit(fromRows([[1], [2]]), [0, 1, 1]), code('length_mismatch'));
});

test('serialization round trip gives identical predictions', () => {
  const m = new LogisticRegression({ C: 0.5 }).fit(X, y);
  const back = LogisticModel.fromJSON(JSON.parse(JSON.stringify(m)));
  assert.deepEqual(back.predictProba(X).data, m.predictProba(X).data);
  assert.throws(
    () => LogisticModel.fromJSON({ type: 'logistic', C: 1, coef: [1, 'x'], intercept: 0 }),
    code('invalid_pipeline'),
  );
  assert.throws(() => m.predictProba(fromRows([[1, 2]])), code('feature_mismatch'));
});

test('multinomial: zero gradient, 2 classes equal binary logistic with 2C, 3 clusters classified', () => {
  const three = syntheticCohort({
    subjects: 150,
    photos: 1,
    features: 4,
    informative: 2,
    effect: 2.5,
    classes: 3,
    prevalence: 0.67,
    seed: 5,
  });
  const y3 = Int32Array.from(three.y);
  const model = new MultinomialLogisticRegression({ C: 0.5, tol: 1e-10 }).fit(three.X, y3);
  const theta = new Float64Array(3 * 5);
  theta.set(model.coef);
  theta.set(model.intercept, 12);
  const g = new Float64Array(15);
  multinomialObjective(
    three.X as Matrix64,
    y3,
    new Float64Array(150).fill(1 / 150),
    3,
    1 / (0.5 * 150),
    theta,
    g,
  );
  for (const v of g) near(v, 0, 1e-8, 'gradient');
  near(
    model.intercept.reduce((a, b) => a + b, 0),
    0,
    1e-12,
    'centred intercepts',
  );
  const p = model.predictProba(three.X);
  let correct = 0;
  for (let i = 0; i < 150; i++) {
    const row = Array.from(p.data.subarray(3 * i, 3 * i + 3));
    near(row[0] + row[1] + row[2], 1, 1e-12, 'row sums to 1');
    if (row.indexOf(Math.max(...row)) === y3[i]) correct++;
  }
  assert.ok(correct / 150 > 0.85, `accuracy ${correct / 150}`);
  const back = MultinomialModel.fromJSON(JSON.parse(JSON.stringify(model)));
  assert.deepEqual(back.predictProba(three.X).data, p.data);

  // With K = 2 the optimum has w₁ = −w₀, so ½(‖w₀‖² + ‖w₁‖²) = ¼‖w₁ − w₀‖²: binary with C' = 2C.
  const two = new MultinomialLogisticRegression({ C: 0.25, tol: 1e-10 }).fit(X, y, { nClasses: 2 });
  const bin = new LogisticRegression({ C: 0.5, tol: 1e-10 }).fit(X, y);
  for (let j = 0; j < X.cols; j++) near(two.coef[X.cols + j] - two.coef[j], bin.coef[j], 1e-6, `coef ${j}`);
  near(two.intercept[1] - two.intercept[0], bin.intercept, 1e-6, 'intercept');
});
