// Edge cases: one class, perfect separation, all scores tied, one case per class, bad values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  averagePrecisionScore,
  brierScoreLoss,
  calibrationSlopeIntercept,
  clampedLogit,
  delongCi,
  delongTest,
  diagnosticAccuracy,
  rocAucScore,
  rocCurve,
  thresholdMetrics,
  youdenThreshold,
} from '../../src/stats/index.js';
import { isEndofaceError } from '../../src/core/errors.js';

const code = (c: string, detail?: Record<string, unknown>) => (e: unknown) => {
  assert.ok(isEndofaceError(e), `expected an EndofaceError, got ${String(e)}`);
  assert.equal(e.code, c, e.message);
  for (const [k, v] of Object.entries(detail ?? {})) assert.deepEqual(e.details[k], v, `details.${k}`);
  return true;
};

test('a single class is a clear single_class error everywhere a ranking metric needs both', () => {
  for (const f of [rocAucScore, averagePrecisionScore, delongCi, rocCurve, youdenThreshold] as const) {
    assert.throws(() => f([1, 1, 1], [0.2, 0.5, 0.9]), code('single_class', { nPositive: 3, nNegative: 0 }));
  }
  assert.throws(() => delongCi([0, 0], [0.2, 0.5]), /only negatives/);
});

test('perfect separation: AUC 1, DeLong SE 0 and CI [1, 1], calibration slope null with no_convergence', () => {
  const y = [0, 0, 0, 1, 1, 1];
  const s = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9];
  assert.equal(rocAucScore(y, s), 1);
  const ci = delongCi(y, s);
  assert.deepEqual([ci.estimate, ci.standardError, ci.lower, ci.upper], [1, 0, 1, 1]);
  assert.equal(averagePrecisionScore(y, s), 1);
  const yd = youdenThreshold(y, s);
  assert.equal(yd.threshold, 0.5);
  assert.equal(yd.youdenIndex, 1);
  const fit = calibrationSlopeIntercept(y, s);
  assert.equal(fit.slope, null);
  assert.ok(fit.warnings.some((w) => w.code === 'no_convergence'));
  // Inverted separation gives 0, not a silently flipped 1.
  assert.equal(
    rocAucScore(
      y,
      s.map((v) => 1 - v),
    ),
    0,
  );
});

test('all scores tied: AUC 0.5, ROC (0,0)→(1,1), AP = prevalence, DeLong test of identical scores p = 1', () => {
  const y = [0, 1, 0, 1, 1];
  const s = [0.4, 0.4, 0.4, 0.4, 0.4];
  assert.equal(rocAucScore(y, s), 0.5);
  assert.deepEqual(rocCurve(y, s), { fpr: [0, 1], tpr: [0, 1], thresholds: [Infinity, 0.4] });
  assert.equal(averagePrecisionScore(y, s), 0.6);
  const ci = delongCi(y, s);
  assert.equal(ci.standardError, 0);
  const t = delongTest(y, s, s);
  assert.deepEqual([t.statistic, t.pValue, t.correlation], [0, 1, null]);
  const yd = youdenThreshold(y, s);
  assert.equal(yd.youdenIndex, 0);
  // At a threshold above every score nobody is called positive: PPV is null with a warning.
  const m = thresholdMetrics(y, s, { threshold: 0.5 });
  assert.equal(m.ppv.estimate, null);
  assert.equal(m.mcc, null);
  assert.ok(m.warnings.some((w) => w.code === 'zero_division' && w.metric === 'ppv'));
  assert.equal(m.npv.estimate, 0.4);
});

test('one case per class: AUC defined, DeLong variance 0 by the stated rule, no NaN anywhere', () => {
  assert.equal(rocAucScore([0, 1], [0.3, 0.6]), 1);
  assert.equal(rocAucScore([0, 1], [0.6, 0.3]), 0);
  assert.equal(rocAucScore([0, 1], [0.5, 0.5]), 0.5);
  const ci = delongCi([0, 1], [0.3, 0.6]);
  assert.equal(ci.standardError, 0);
  const d = diagnosticAccuracy([0, 1], [0.3, 0.6], ['a', 'b'], { nResamples: 50, seed: 3 });
  assert.equal(d.auc.estimate, 1);
  assert.doesNotMatch(JSON.stringify(d), /NaN/);
});

test('NaN, Infinity or missing scores are rejected with the index named', () => {
  assert.throws(
    () => rocAucScore([0, 1, 0], [0.1, NaN, 0.3]),
    code('invalid_score', { index: 1, parameter: 'yScore' }),
  );
  assert.throws(() => delongCi([0, 1, 0], [0.1, 0.2, Infinity]), code('invalid_score', { index: 2 }));
  const holes: number[] = [0.1, 0.2, 0.3];
  delete holes[2];
  assert.throws(() => rocAucScore([0, 1, 0], holes), code('invalid_score', { index: 2, value: null }));
  assert.throws(() => rocAucScore([0, 2, 1], [0.1, 0.2, 0.3]), code('invalid_label', { index: 1, value: 2 }));
  assert.throws(() => rocAucScore([0, 1], [0.1, 0.2, 0.3]), code('length_mismatch', { parameter: 'yScore' }));
  assert.throws(() => rocAucScore([], []), code('empty_input'));
  assert.throws(() => brierScoreLoss([0, 1], [0.2, 1.4]), code('score_out_of_range', { index: 1 }));
  assert.throws(
    () => delongCi([0, 1], [0.2, 0.4], { level: 95 }),
    code('invalid_option', { parameter: 'level' }),
  );
});

test('clampedLogit: the logit in between, finite and symmetric at saturated scores', () => {
  assert.equal(clampedLogit(0.5), 0);
  assert.ok(Math.abs(clampedLogit(0.8) - Math.log(4)) < 1e-12);
  assert.ok(Math.abs(clampedLogit(0) - Math.log(1e-15 / (1 - 1e-15))) < 1e-12);
  // Symmetric up to the rounding of 1 − 1e-15 in binary (its distance to 1 is 0.9992e-15, not 1e-15).
  assert.ok(Math.abs(clampedLogit(1) + clampedLogit(0)) < 1e-3);
  assert.ok(clampedLogit(1) > 34.5);
  // A looser clamp (the explain baseline's) bounds it sooner (again up to the rounding of 1 − 1e-9).
  assert.ok(Math.abs(clampedLogit(1, 1e-9) - Math.log((1 - 1e-9) / 1e-9)) < 1e-6);
  assert.equal(clampedLogit(1e-20, 1e-9), clampedLogit(0, 1e-9));
});

test('calibration clips scores of exactly 0 or 1, counts them and says so', () => {
  const fit = calibrationSlopeIntercept([0, 0, 1, 1, 0, 1, 1, 0], [0, 0.3, 1, 0.7, 0.4, 0.6, 0.45, 0.2]);
  const w = fit.warnings.find((x) => x.code === 'clipped_probabilities');
  assert.ok(w, JSON.stringify(fit.warnings));
  assert.match(w.message, /^2 probabilities of exactly 0 or 1 were clipped to \[1e-15, 1 − 1e-15\]/);
  // Without them nothing is clipped.
  const inside = calibrationSlopeIntercept([0, 1, 1, 0], [0.3, 0.7, 0.45, 0.2]);
  assert.equal(inside.warnings.filter((x) => x.code === 'clipped_probabilities').length, 0);
});
