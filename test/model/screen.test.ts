// trainScreen: nested subject-grouped CV finds a real signal and not a fake one, is reproducible,
// never lets a test row reach a standardiser, model or calibrator, and stores a pipeline that
// predicts exactly what it predicted before serialization.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  foldRows,
  loadPipeline,
  predictProbaWithPipeline,
  predictWithPipeline,
  trainScreen,
  type AuditEvent,
} from '../../src/model/index.js';
import { syntheticCohort } from './synthetic.js';
import { code } from './helpers.js';

const signal = syntheticCohort({
  subjects: 90,
  photos: [1, 3],
  features: 12,
  informative: 3,
  effect: 1.5,
  seed: 1,
});
const noise = syntheticCohort({
  subjects: 120,
  photos: [1, 3],
  features: 12,
  informative: 3,
  effect: 0,
  seed: 2,
});
const fast = { grid: { C: [0.01, 0.1, 1] } };

test('a real signal reaches OOF AUC > 0.9; pure noise stays near 0.5', () => {
  const good = trainScreen(signal.X, signal.y, signal.groups, { ...fast, seed: 1 });
  assert.ok(good.cv.oofAuc > 0.9, `signal AUC ${good.cv.oofAuc}`);
  assert.equal(good.oof.length, signal.y.length);
  for (const f of good.cv.folds) assert.ok(f.testAuc > 0.8, `fold ${f.fold} AUC ${f.testAuc}`);
  for (const seed of [1, 2, 3]) {
    const bad = trainScreen(noise.X, noise.y, noise.groups, { ...fast, seed });
    assert.ok(bad.cv.oofAuc > 0.3 && bad.cv.oofAuc < 0.7, `noise AUC ${bad.cv.oofAuc} (seed ${seed})`);
  }
});

test('the MLP screen also finds the signal', () => {
  const r = trainScreen(signal.X, signal.y, signal.groups, {
    estimator: 'mlp',
    grid: { hiddenUnits: [8], weightDecay: [0.1] },
    mlp: { learningRate: 0.01, maxEpochs: 50 },
    seed: 1,
  });
  assert.ok(r.cv.oofAuc > 0.85, `MLP AUC ${r.cv.oofAuc}`);
  assert.equal(r.model.estimator.type, 'mlp');
});

test('same seed → identical OOF predictions; another seed → other folds', () => {
  const a = trainScreen(signal.X, signal.y, signal.groups, { ...fast, seed: 5 });
  const b = trainScreen(signal.X, signal.y, signal.groups, { ...fast, seed: 5 });
  const c = trainScreen(signal.X, signal.y, signal.groups, { ...fast, seed: 6 });
  assert.deepEqual(a.oof, b.oof);
  assert.deepEqual(a.model, b.model);
  assert.notDeepEqual(
    a.oof.map((o) => o.fold),
    c.oof.map((o) => o.fold),
  );
});

test('no outer test row is ever passed to a standardiser, model or calibrator of its fold', () => {
  const events: AuditEvent[] = [];
  const r = trainScreen(signal.X, signal.y, signal.groups, {
    ...fast,
    seed: 3,
    calibration: 'isotonic',
    audit: (e) => events.push(e),
  });
  const outerFold = Int32Array.from(r.oof, (o) => o.fold);
  let calibrations = 0;
  for (const e of events) {
    if (e.outerFold === null) continue; // the final model is fitted on all rows
    const { test: testRows } = foldRows(outerFold, e.outerFold);
    const testSet = new Set(testRows);
    const testSubjects = new Set(Array.from(testRows, (i) => signal.groups[i]));
    for (const i of e.rows) {
      assert.ok(!testSet.has(i), `${e.step} of outer fold ${e.outerFold} saw test row ${i}`);
      assert.ok(!testSubjects.has(signal.groups[i]), `${e.step} saw a test subject`);
    }
    if (e.step === 'calibrate') calibrations++;
  }
  assert.equal(calibrations, 5, 'one calibrator per outer fold');
  // Inner folds: each inner fit leaves out whole subjects of the outer training set.
  const innerFits = events.filter((e) => e.step === 'fit' && e.innerFold !== null);
  assert.equal(innerFits.length, 6 * 3 * 3);
  for (const e of innerFits) assert.ok(e.rows.length < signal.y.length * 0.8);
  assert.equal(
    events.filter((e) => e.step === 'calibrate' && e.outerFold === null)[0].rows.length,
    signal.y.length,
  );
});

test('serialization round trip gives identical predictions; columns are checked and reordered', () => {
  const columns = Array.from({ length: 12 }, (_, j) => `f${j}`);
  const r = trainScreen(signal.X, signal.y, signal.groups, {
    ...fast,
    columns,
    classes: ['control', 'cushing'],
  });
  const json = JSON.parse(JSON.stringify(r.model));
  assert.equal(json.format, 'endoface.screen-pipeline');
  assert.deepEqual(json.classes, ['control', 'cushing']);
  const p = predictWithPipeline(r.model, signal.X, columns);
  assert.deepEqual(predictWithPipeline(json, signal.X, columns), p);
  assert.deepEqual(predictWithPipeline(loadPipeline(json), signal.X, columns), p);
  // The same features in reverse order: reordered, same predictions.
  const { rows, cols, data } = signal.X;
  const reversed = new Float64Array(data.length);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) reversed[i * cols + j] = data[i * cols + cols - 1 - j];
  assert.deepEqual(predictWithPipeline(json, { data: reversed, rows, cols }, [...columns].reverse()), p);
  assert.throws(
    () => predictWithPipeline(json, signal.X, [...columns.slice(0, 11), 'nose_width']),
    code('feature_mismatch', { missing: ['f11'], unexpected: ['nose_width'] }),
  );
  assert.throws(() => loadPipeline({ ...json, formatVersion: 99 }), code('invalid_pipeline'));
  assert.throws(
    () => loadPipeline({ ...json, standardizer: { mean: [1], scale: [1] } }),
    code('invalid_pipeline'),
  );
});

test('3-class model (control / cushing / acromegaly) on 3-cluster data', () => {
  const three = syntheticCohort({
    subjects: 120,
    photos: [1, 2],
    features: 8,
    informative: 3,
    effect: 2,
    classes: 3,
    prevalence: 0.67,
    seed: 8,
  });
  const classes = ['control', 'cushing', 'acromegaly'];
  const r = trainScreen(three.X, three.y, three.groups, { ...fast, classes });
  assert.equal(r.model.task, 'multiclass');
  assert.equal(r.model.estimator.type, 'multinomial');
  assert.ok(r.cv.oofAuc > 0.9, `macro AUC ${r.cv.oofAuc}`);
  for (const o of r.oof) {
    assert.equal(o.probabilities.length, 3);
    assert.equal(o.probability, undefined);
    assert.ok(Math.abs(o.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  }
  const columns = r.model.columns;
  const p = predictProbaWithPipeline(JSON.parse(JSON.stringify(r.model)), three.X, columns);
  assert.deepEqual([p.rows, p.cols], [three.y.length, 3]);
  assert.throws(() => predictWithPipeline(r.model, three.X, columns), code('invalid_option'));
});

test('progress counts every fit; the CV record names the chosen hyper-parameters', () => {
  const calls: [string, number, number][] = [];
  const r = trainScreen(signal.X, signal.y, signal.groups, {
    ...fast,
    outerFolds: 3,
    innerFolds: 2,
    onProgress: (s, d, t) => calls.push([s, d, t]),
  });
  const total = 4 * (2 * 3 + 1);
  assert.equal(calls.length, total);
  assert.deepEqual(calls.at(-1), ['final model', total, total]);
  assert.equal(calls[0][0], 'outer fold 1/3');
  assert.equal(r.cv.folds.length, 3);
  for (const f of r.cv.folds) {
    assert.equal(f.innerScores.length, 3);
    assert.ok(fast.grid.C.includes((f.chosen as { C: number }).C));
    const best = Math.max(...f.innerScores.map((s) => s.meanAuc));
    assert.equal(f.innerScores.find((s) => s.meanAuc === best)?.hyperParameters, f.chosen);
  }
  assert.deepEqual(r.model.hyperParameters, r.cv.final.chosen);
});

test('errors: too few subjects, one class, bad options, NaN, missing subject ids', () => {
  const small = syntheticCohort({
    subjects: 12,
    photos: 2,
    features: 3,
    informative: 1,
    effect: 1,
    prevalence: 0.3,
    seed: 4,
  });
  const nPos = new Set(small.groups.filter((_, i) => small.y[i] === 1)).size;
  assert.ok(nPos < 5);
  assert.throws(
    () => trainScreen(small.X, small.y, small.groups, { classes: ['control', 'acromegaly'] }),
    code('too_few_subjects', { class: 'acromegaly' }),
  );
  assert.throws(
    () =>
      trainScreen(
        signal.X,
        signal.y.map(() => 0),
        signal.groups,
        { classes: ['control', 'cushing'] },
      ),
    code('single_class'),
  );
  assert.throws(
    () => trainScreen(signal.X, signal.y, signal.groups, { estimator: 'svm' as 'mlp' }),
    code('invalid_option'),
  );
  assert.throws(
    () => trainScreen(signal.X, signal.y, signal.groups, { grid: { C: [] } }),
    code('invalid_option'),
  );
  assert.throws(
    () => trainScreen(signal.X, signal.y, signal.groups, { outerFold: 3 } as never),
    code('invalid_option'),
  );
  assert.throws(
    () => trainScreen(signal.X, signal.y, signal.groups, { columns: ['a'] }),
    code('invalid_option', { parameter: 'columns' }),
  );
  const groups = [...signal.groups];
  groups[3] = '';
  assert.throws(() => trainScreen(signal.X, signal.y, groups), code('invalid_input', { row: 3 }));
  const data = Float64Array.from(signal.X.data);
  data[5] = Infinity;
  assert.throws(
    () => trainScreen({ ...signal.X, data }, signal.y, signal.groups),
    code('invalid_feature', { row: 0, column: 5 }),
  );
});

test('missing values (NaN) are imputed with the training mean, inside each training fold', () => {
  const data = Float64Array.from(signal.X.data);
  // Blank one column in a third of the rows: training still works and predicts every row.
  for (let r = 0; r < signal.X.rows; r += 3) data[r * signal.X.cols] = NaN;
  const X = { ...signal.X, data };
  const trained = trainScreen(X, signal.y, signal.groups, { ...fast, seed: 3 });
  assert.equal(trained.oof.length, signal.X.rows);
  assert.ok(trained.oof.every((p) => Number.isFinite(p.probability)));
  assert.ok(trained.cv.oofAuc > 0.85, `AUC ${trained.cv.oofAuc}`);
  // At prediction a missing value takes the final model's training mean: identical to passing that mean.
  const pipeline = loadPipeline(trained.model);
  const row = Float64Array.from(data.subarray(0, signal.X.cols));
  const withMean = Float64Array.from(row);
  withMean[0] = trained.model.standardizer.mean[0];
  const columns = trained.model.columns;
  const a = pipeline.predictProba({ data: row, rows: 1, cols: row.length }, columns).data[1];
  const b = pipeline.predictProba({ data: withMean, rows: 1, cols: row.length }, columns).data[1];
  assert.ok(Math.abs(a - b) < 1e-12);
});

test('too few subjects for the folds: the error says which CV failed, and where', () => {
  const small = syntheticCohort({
    subjects: 12,
    photos: [1, 1],
    features: 4,
    informative: 2,
    effect: 1,
    seed: 5,
  });
  const subjectsOf = (k: number) => new Set(small.groups.filter((_, i) => small.y[i] === k)).size;
  const fewest = Math.min(subjectsOf(0), subjectsOf(1));
  const failure = (outerFolds: number, innerFolds: number) => {
    try {
      trainScreen(small.X, small.y, small.groups, { ...fast, outerFolds, innerFolds });
    } catch (e) {
      return e as { code: string; message: string; details: Record<string, unknown> };
    }
    assert.fail(`trained with ${outerFolds} outer and ${innerFolds} inner folds`);
  };
  const outer = failure(fewest + 1, 2);
  assert.equal(outer.code, 'too_few_subjects');
  assert.equal(outer.details.cv, 'outer');
  // Every class fills the outer folds, but each outer training set lacks one subject for the inner ones.
  const inner = failure(fewest, fewest);
  assert.equal(inner.code, 'too_few_subjects');
  assert.equal(inner.details.cv, 'inner');
  assert.equal(inner.details.outerFold, 0);
  assert.match(inner.message, /^training set of outer fold 1: /);
});
