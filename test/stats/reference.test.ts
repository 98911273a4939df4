// Every key of ../shared/reference/stats-case-*/expected.json (pROC 1.18, scikit-learn 1.2,
// statsmodels 0.13), matched from cases.csv: point values to 1e-9, intervals and p-values to 1e-6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  averagePrecisionScore,
  brierScoreLoss,
  calibrationCurve,
  classificationMetrics,
  cohenKappaScore,
  delongCi,
  delongTest,
  mcnemarTest,
  pairedTable,
  rocAucScore,
  rocCurve,
  thresholdMetrics,
  youdenThreshold,
  type ClassificationMetrics,
} from '../../src/stats/index.js';
import { callsAtThreshold } from '../../src/stats/threshold-metrics.js';
import { CASES, close, loadCase } from './reference-data.js';

const POINT = 1e-9;
const CI = 1e-6;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function checkMetrics(m: ClassificationMetrics, e: any, where: string): void {
  const keys = Object.keys(e).sort();
  assert.deepEqual(keys, [
    'accuracy',
    'balanced_accuracy',
    'f1',
    'fn',
    'fp',
    'mcc',
    'npv',
    'ppv',
    'sensitivity',
    'sensitivity_wilson95',
    'specificity',
    'specificity_wilson95',
    'tn',
    'tp',
  ]);
  assert.deepEqual(m.confusion, { tp: e.tp, fp: e.fp, tn: e.tn, fn: e.fn }, where);
  close(m.sensitivity.estimate, e.sensitivity, POINT, `${where}.sensitivity`);
  close(m.specificity.estimate, e.specificity, POINT, `${where}.specificity`);
  close(m.ppv.estimate, e.ppv, POINT, `${where}.ppv`);
  close(m.npv.estimate, e.npv, POINT, `${where}.npv`);
  close(m.accuracy.estimate, e.accuracy, POINT, `${where}.accuracy`);
  close(m.balancedAccuracy, e.balanced_accuracy, POINT, `${where}.balanced_accuracy`);
  close(m.f1, e.f1, POINT, `${where}.f1`);
  close(m.mcc, e.mcc, POINT, `${where}.mcc`);
  close(m.sensitivity.lower, e.sensitivity_wilson95[0], CI, `${where}.sensitivity_wilson95[0]`);
  close(m.sensitivity.upper, e.sensitivity_wilson95[1], CI, `${where}.sensitivity_wilson95[1]`);
  close(m.specificity.lower, e.specificity_wilson95[0], CI, `${where}.specificity_wilson95[0]`);
  close(m.specificity.upper, e.specificity_wilson95[1], CI, `${where}.specificity_wilson95[1]`);
}

for (const name of CASES) {
  const c = loadCase(name);
  const e = c.expected;

  test(`${name}: the expected.json keys are the ones this suite checks`, () => {
    assert.deepEqual(Object.keys(e).sort(), [
      'cohen_kappa_model0.5_vs_reader2',
      'delong_paired_model_vs_reader1',
      'mcnemar_exact_model0.5_vs_reader2_on_positives',
      'model',
      'n_images',
      'n_positive',
      'reader1_confidence_1to5',
      'reader2_binary',
      'source',
    ]);
    assert.deepEqual(Object.keys(e.model).sort(), [
      'at_threshold_0.5',
      'auc',
      'auc_delong_ci95',
      'auc_delong_se',
      'average_precision',
      'brier',
      'calibration_uniform10',
      'roc_curve',
      'youden',
    ]);
    assert.equal(c.label.length, e.n_images);
    assert.equal(c.label.filter((v) => v === 1).length, e.n_positive);
  });

  test(`${name}: AUC and DeLong SE / 95 % CI (pROC auc, var, ci.auc)`, () => {
    close(rocAucScore(c.label, c.model), e.model.auc, POINT, 'model.auc');
    const ci = delongCi(c.label, c.model);
    close(ci.estimate, e.model.auc, POINT, 'model.auc (delongCi)');
    close(ci.standardError, e.model.auc_delong_se, POINT, 'model.auc_delong_se');
    close(ci.lower, e.model.auc_delong_ci95[0], CI, 'model.auc_delong_ci95[0]');
    close(ci.upper, e.model.auc_delong_ci95[1], CI, 'model.auc_delong_ci95[1]');
  });

  test(`${name}: ROC curve, every point (sklearn roc_curve, drop_intermediate=False)`, () => {
    const r = rocCurve(c.label, c.model, { dropIntermediate: false });
    const x = e.model.roc_curve;
    assert.equal(r.fpr.length, x.fpr.length);
    for (let i = 0; i < x.fpr.length; i++) {
      close(r.fpr[i], x.fpr[i], POINT, `roc_curve.fpr[${i}]`);
      close(r.tpr[i], x.tpr[i], POINT, `roc_curve.tpr[${i}]`);
    }
    // thresholds[0]: scikit-learn 1.2 wrote max(score) + 1; ≥ 1.3 (and endoface) write +Infinity.
    assert.equal(r.thresholds[0], Infinity);
    close(
      x.thresholds[0],
      Math.max(...c.model) + 1,
      POINT,
      'roc_curve.thresholds[0] is max+1 in sklearn 1.2',
    );
    for (let i = 1; i < x.thresholds.length; i++)
      close(r.thresholds[i], x.thresholds[i], POINT, `roc_curve.thresholds[${i}]`);
  });

  test(`${name}: Youden threshold, sensitivity, specificity (pROC coords "best")`, () => {
    const y = youdenThreshold(c.label, c.model);
    close(y.threshold, e.model.youden.threshold, POINT, 'youden.threshold');
    close(y.sensitivity, e.model.youden.sensitivity, POINT, 'youden.sensitivity');
    close(y.specificity, e.model.youden.specificity, POINT, 'youden.specificity');
  });

  test(`${name}: average precision, Brier, uniform calibration curve (sklearn)`, () => {
    close(averagePrecisionScore(c.label, c.model), e.model.average_precision, POINT, 'average_precision');
    close(brierScoreLoss(c.label, c.model), e.model.brier, POINT, 'brier');
    const cal = calibrationCurve(c.label, c.model, { nBins: 10, strategy: 'uniform' });
    const x = e.model.calibration_uniform10;
    assert.equal(cal.meanPredicted.length, x.mean_predicted.length);
    x.mean_predicted.forEach((v: number, i: number) =>
      close(cal.meanPredicted[i], v, POINT, `mean_predicted[${i}]`),
    );
    x.fraction_positive.forEach((v: number, i: number) =>
      close(cal.fractionPositive[i], v, POINT, `fraction_positive[${i}]`),
    );
  });

  test(`${name}: metrics at threshold 0.5 with Wilson CIs (statsmodels)`, () => {
    checkMetrics(
      thresholdMetrics(c.label, c.model, { threshold: 0.5 }),
      e.model['at_threshold_0.5'],
      'at_threshold_0.5',
    );
  });

  test(`${name}: reader1 (1–5) AUC and paired DeLong vs the model (pROC roc.test)`, () => {
    close(rocAucScore(c.label, c.reader1), e.reader1_confidence_1to5.auc, POINT, 'reader1.auc');
    const t = delongTest(c.label, c.model, c.reader1);
    close(t.statistic, e.delong_paired_model_vs_reader1.z, CI, 'delong.z');
    close(t.pValue, e.delong_paired_model_vs_reader1.p, CI, 'delong.p');
  });

  test(`${name}: reader2 binary calls, McNemar exact on positives, kappa`, () => {
    checkMetrics(classificationMetrics(c.label, c.reader2), e.reader2_binary, 'reader2_binary');
    const calls = callsAtThreshold(c.model, 0.5);
    const x = e['mcnemar_exact_model0.5_vs_reader2_on_positives'];
    const table = pairedTable(calls, c.reader2, c.label);
    assert.deepEqual(table, x.table);
    close(mcnemarTest(table, { method: 'exact' }).pValue, x.p, CI, 'mcnemar.p');
    close(cohenKappaScore(calls, c.reader2), e['cohen_kappa_model0.5_vs_reader2'], POINT, 'kappa');
  });
}
