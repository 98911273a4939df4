// The TSDoc @example values, on the 4-case toy input of scikit-learn's docstrings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregateBySubject,
  averagePrecisionScore,
  brierScoreLoss,
  calibrationCurve,
  calibrationSlopeIntercept,
  cohenKappaScore,
  confusionAtThresholds,
  decisionCurve,
  delongCi,
  delongTest,
  matthewsCorrcoef,
  mcnemarTest,
  normalQuantile,
  precisionRecallCurve,
  rocAucScore,
  rocCurve,
  subgroupTable,
  thresholdForSensitivity,
  thresholdForSpecificity,
  thresholdMetrics,
  wilsonInterval,
  youdenThreshold,
} from '../../src/stats/index.js';

const Y = [0, 0, 1, 1];
const S = [0.1, 0.4, 0.35, 0.8];
const near = (a: number | null | undefined, b: number, tol = 1e-12) =>
  assert.ok(typeof a === 'number' && Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('confusionAtThresholds / rocCurve / rocAucScore', () => {
  const c = confusionAtThresholds(Y, S);
  assert.deepEqual([...c.thresholds], [0.8, 0.4, 0.35, 0.1]);
  assert.deepEqual([...c.tps], [1, 1, 2, 2]);
  assert.deepEqual([...c.fps], [0, 1, 1, 2]);
  assert.deepEqual(rocCurve(Y, S), {
    fpr: [0, 0, 0.5, 0.5, 1],
    tpr: [0, 0.5, 0.5, 1, 1],
    thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1],
  });
  assert.equal(rocAucScore(Y, S), 0.75);
});

test('delongCi / delongTest (hand-computed: placements 0.5, 1 / 1, 0.5 → variance 0.125)', () => {
  const ci = delongCi(Y, S);
  assert.equal(ci.variance, 0.125);
  near(ci.lower, 0.75 - normalQuantile(0.975) * Math.sqrt(0.125));
  assert.equal(ci.upper, 1);
  const t = delongTest(Y, S, [1, 2, 3, 4]);
  near(t.statistic, -Math.SQRT1_2);
  near(t.pValue, 0.4795001221869535, 1e-12);
  assert.deepEqual(t.auc, [0.75, 1]);
  near(normalQuantile(0.975), 1.959963984540054, 1e-14);
});

test('precisionRecallCurve / averagePrecisionScore', () => {
  const pr = precisionRecallCurve(Y, S);
  assert.deepEqual(pr.recall, [1, 1, 0.5, 0.5, 0]);
  assert.deepEqual(pr.thresholds, [0.1, 0.35, 0.4, 0.8]);
  near(pr.precision[1], 2 / 3);
  near(averagePrecisionScore(Y, S), 5 / 6);
});

test('threshold metrics, Wilson, MCC', () => {
  const m = thresholdMetrics(Y, S, { threshold: 0.5 });
  assert.deepEqual(m.confusion, { tp: 1, fp: 0, tn: 2, fn: 1 });
  assert.equal(m.sensitivity.estimate, 0.5);
  assert.equal(m.specificity.estimate, 1);
  near(m.mcc, 1 / Math.sqrt(3));
  near(matthewsCorrcoef([0, 0, 1, 1], [0, 0, 0, 1]), 0.5773502691896258);
  const w = wilsonInterval(74, 89);
  near(w.lower, 0.7403744938895832, 1e-9);
  near(w.upper, 0.8951174592684067, 1e-9);
  assert.deepEqual(wilsonInterval(0, 0).estimate, null);
});

test('PPV/NPV at a prevalence (Bayes)', () => {
  const m = thresholdMetrics([0, 0, 0, 1, 1, 1, 1], [0.1, 0.2, 0.7, 0.3, 0.6, 0.8, 0.9], { prevalence: 0.1 });
  // Se = 3/4, Sp = 2/3 → PPV = 0.075 / (0.075 + 0.3) = 0.2
  near(m.atPrevalence?.ppv?.estimate, 0.2);
  near(m.atPrevalence?.npv?.estimate, 0.6 / 0.625);
  assert.ok((m.atPrevalence?.ppv?.lower ?? 1) < 0.2 && (m.atPrevalence?.ppv?.upper ?? 0) > 0.2);
});

test('thresholds: Youden (ties → most specific, warned), fixed sensitivity, fixed specificity', () => {
  const y = youdenThreshold(Y, S);
  near(y.threshold, 0.6);
  assert.equal(y.sensitivity, 0.5);
  assert.equal(y.warnings[0].code, 'multiple_optima');
  const a = thresholdForSensitivity(Y, S, 0.9);
  near(a.threshold, 0.225);
  assert.deepEqual([a.sensitivity, a.specificity], [1, 0.5]);
  const b = thresholdForSpecificity(Y, S, 0.9);
  near(b.threshold, 0.6);
  assert.deepEqual([b.sensitivity, b.specificity], [0.5, 1]);
});

test('calibration: Brier, curve, slope/intercept satisfy the logistic score equations', () => {
  near(brierScoreLoss(Y, S), 0.158125);
  const c = calibrationCurve(Y, S, { nBins: 2 });
  assert.deepEqual(c.count, [3, 1]);
  near(c.fractionPositive[0], 1 / 3);
  near(c.meanPredicted[0], 0.85 / 3);
  near(calibrationSlopeIntercept(Y, S).slope?.estimate, 1.8910580962165642, 1e-9);
  const y = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0];
  const p = [0.1, 0.4, 0.35, 0.8, 0.6, 0.7, 0.2, 0.55, 0.9, 0.3];
  const fit = calibrationSlopeIntercept(y, p);
  const a = fit.recalibrationIntercept as number;
  const b = fit.slope?.estimate as number;
  let g0 = 0;
  let g1 = 0;
  let h0 = 0;
  p.forEach((pi, i) => {
    const x = Math.log(pi / (1 - pi));
    g0 += y[i] - 1 / (1 + Math.exp(-(a + b * x)));
    g1 += (y[i] - 1 / (1 + Math.exp(-(a + b * x)))) * x;
    h0 += y[i] - 1 / (1 + Math.exp(-((fit.intercept?.estimate as number) + x)));
  });
  near(g0, 0, 1e-9);
  near(g1, 0, 1e-9);
  near(h0, 0, 1e-9);
});

test('McNemar exact and mid-p (hand-computed binomial sums), kappa, decision curve', () => {
  const t = mcnemarTest([
    [18, 10],
    [5, 2],
  ]);
  near(t.pValue, (2 * (1 + 15 + 105 + 455 + 1365 + 3003)) / 32768);
  near(
    mcnemarTest(
      [
        [18, 10],
        [5, 2],
      ],
      { method: 'mid-p' },
    ).pValue,
    (2 * 4944 - 3003) / 32768,
  );
  assert.equal(
    mcnemarTest([
      [3, 0],
      [0, 4],
    ]).pValue,
    1,
  );
  near(
    mcnemarTest(
      [
        [0, 10],
        [5, 0],
      ],
      { method: 'chi2' },
    ).statistic,
    25 / 15,
  );
  assert.equal(cohenKappaScore([0, 0, 1, 1], [0, 0, 0, 1]), 0.5);
  near(cohenKappaScore([1, 2, 3, 4, 5], [1, 2, 3, 5, 4], { weights: 'quadratic' }), 0.9);
  assert.equal(cohenKappaScore([1, 1], [1, 1]), null);
  assert.deepEqual(decisionCurve(Y, S, { thresholds: [0.5] }).netBenefit, [0.25]);
  near(decisionCurve(Y, S, { thresholds: [0.2] }).netBenefit[0], 0.5 - 0.25 * 0.25);
});

test('aggregateBySubject and subgroupTable', () => {
  const a = aggregateBySubject(['a', 'a', 'b'], [1, 1, 0], [0.2, 0.6, 0.3], { method: 'max' });
  assert.deepEqual(
    [a.subject, a.label, a.score, a.nPhotos, a.aggregation],
    [['a', 'b'], [1, 0], [0.6, 0.3], [2, 1], 'max'],
  );
  near(aggregateBySubject(['a', 'a', 'b'], [1, 1, 0], [0.2, 0.6, 0.3]).score[0], 0.4);
  assert.throws(
    () => aggregateBySubject(['a', 'a'], [1, 0], [0.2, 0.6]),
    /subject "a" has photos labelled both/,
  );
  const g = subgroupTable([0, 1, 0, 1], [0.2, 0.9, 0.6, 0.7], ['F', 'F', 'M', 'M'], 'sex');
  assert.equal(g.rows[1].auc?.estimate, 1);
  assert.equal(g.rows[0].value, 'F');
  const h = subgroupTable([0, 1, 1], [0.2, 0.9, 0.6], ['F', 'M', ''], 'sex');
  assert.deepEqual(
    h.rows.map((r) => r.value),
    ['(missing)', 'F', 'M'],
  );
  assert.equal(h.rows[0].auc, null);
  assert.ok(h.warnings.some((w) => w.code === 'single_class_subgroup'));
});
