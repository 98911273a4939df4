// The subject-level bootstrap: seeded, resamples subjects not photos, stratified, percentile + BCa.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  averagePrecisionScore,
  bootstrapBySubject,
  brierScoreLoss,
  calibrationSlopeIntercept,
  createMetricsStatistic,
  normalCdf,
  normalQuantile,
  rocAucScore,
  thresholdMetrics,
  type WeightedStatistic,
} from '../../src/stats/index.js';
import { percentileSorted } from '../../src/stats/distributions.js';
import { loadCase } from './reference-data.js';

const c = loadCase('stats-case-a');

test('with all weights 1 the metrics statistic equals the full-sample functions', () => {
  const st = createMetricsStatistic(c.label, c.model, { thresholds: [0.5] });
  const out = new Float64Array(st.names.length);
  st.evaluate(new Float64Array(c.label.length).fill(1), out);
  const v = Object.fromEntries(st.names.map((n, i) => [n, out[i]]));
  const m = thresholdMetrics(c.label, c.model, { threshold: 0.5 });
  const fit = calibrationSlopeIntercept(c.label, c.model);
  const expected: Record<string, number | null> = {
    auc: rocAucScore(c.label, c.model),
    averagePrecision: averagePrecisionScore(c.label, c.model),
    brier: brierScoreLoss(c.label, c.model),
    calibrationSlope: fit.slope?.estimate ?? null,
    calibrationIntercept: fit.intercept?.estimate ?? null,
    'sensitivity@0.5': m.sensitivity.estimate,
    'specificity@0.5': m.specificity.estimate,
    'ppv@0.5': m.ppv.estimate,
    'npv@0.5': m.npv.estimate,
    'accuracy@0.5': m.accuracy.estimate,
    'balancedAccuracy@0.5': m.balancedAccuracy,
    'f1@0.5': m.f1,
    'mcc@0.5': m.mcc,
  };
  assert.deepEqual(Object.keys(v), Object.keys(expected));
  for (const [k, e] of Object.entries(expected))
    assert.ok(Math.abs(v[k] - (e as number)) < 1e-9, `${k}: ${v[k]} vs ${e}`);
});

test('a weight of 2 on every case changes nothing; integer weights equal duplicated cases', () => {
  const y = [0, 1, 0, 1, 1, 0];
  const s = [0.2, 0.8, 0.55, 0.4, 0.9, 0.1];
  const w = [1, 2, 0, 1, 3, 1];
  const st = createMetricsStatistic(y, s, { thresholds: [0.5] });
  const out = new Float64Array(st.names.length);
  st.evaluate(Float64Array.from(w), out);
  const yy = y.flatMap((v, i) => Array(w[i]).fill(v));
  const ss = s.flatMap((v, i) => Array(w[i]).fill(v));
  assert.ok(Math.abs(out[0] - rocAucScore(yy, ss)) < 1e-12);
  assert.ok(Math.abs(out[1] - averagePrecisionScore(yy, ss)) < 1e-12);
  assert.ok(Math.abs(out[2] - brierScoreLoss(yy, ss)) < 1e-12);
});

test('same seed → identical intervals; another seed → different replicates', () => {
  const st = createMetricsStatistic(c.label, c.model);
  const a = bootstrapBySubject(c.patient, st, {
    strata: c.label,
    nResamples: 200,
    seed: 7,
    keepReplicates: true,
  });
  const b = bootstrapBySubject(c.patient, st, {
    strata: c.label,
    nResamples: 200,
    seed: 7,
    keepReplicates: true,
  });
  const d = bootstrapBySubject(c.patient, st, {
    strata: c.label,
    nResamples: 200,
    seed: 8,
    keepReplicates: true,
  });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.estimates.auc.replicates, d.estimates.auc.replicates);
});

test('resamples whole subjects, stratified: every replicate keeps the number of positive subjects', () => {
  const subjectsPos = new Set(c.patient.filter((_, i) => c.label[i] === 1)).size;
  const first = new Map<string, number>();
  c.patient.forEach((p, i) => first.has(p) || first.set(p, i));
  let calls = 0;
  const probe: WeightedStatistic = {
    names: ['check'],
    evaluate(w, out) {
      calls++;
      // All photos of a subject carry the same weight (drawn together).
      c.patient.forEach((p, i) => assert.equal(w[i], w[first.get(p) as number]));
      let pos = 0;
      for (const [, i] of first) if (c.label[i] === 1) pos += w[i];
      out[0] = pos;
    },
  };
  const r = bootstrapBySubject(c.patient, probe, {
    strata: c.label,
    nResamples: 50,
    seed: 1,
    bca: false,
    keepReplicates: true,
  });
  assert.equal(calls, 51);
  assert.ok(r.estimates.check.replicates?.every((v) => v === subjectsPos));
  assert.equal(r.nSubjects, 110);
  assert.equal(r.unit, 'subject');
});

test('photos of one subject do not narrow the interval (the image-resampling pitfall)', () => {
  const st1 = createMetricsStatistic(c.label, c.model);
  const ids = c.label.map((_, i) => `s${i}`);
  const one = bootstrapBySubject(ids, st1, { strata: c.label, nResamples: 1000, seed: 2, bca: false });
  const y3 = c.label.flatMap((v) => [v, v, v]);
  const s3 = c.model.flatMap((v) => [v, v, v]);
  const ids3 = ids.flatMap((v) => [v, v, v]);
  const st3 = createMetricsStatistic(y3, s3);
  const bySubject = bootstrapBySubject(ids3, st3, { strata: y3, nResamples: 1000, seed: 2, bca: false });
  const byPhoto = bootstrapBySubject(
    y3.map((_, i) => i),
    st3,
    { strata: y3, nResamples: 1000, seed: 2, bca: false },
  );
  const se1 = one.estimates.auc.standardError as number;
  assert.ok(Math.abs((bySubject.estimates.auc.standardError as number) / se1 - 1) < 0.1);
  assert.ok((byPhoto.estimates.auc.standardError as number) < 0.7 * se1);
});

test('percentile and BCa limits follow their definitions (recomputed independently)', () => {
  const x = [0.2, 0.5, 0.1, 3.2, 0.7, 1.9, 0.4, 0.05, 2.5, 0.9, 0.3, 5.1];
  const mean: WeightedStatistic = {
    names: ['mean'],
    evaluate(w, out) {
      let s = 0;
      let n = 0;
      w.forEach((wi, i) => {
        s += wi * x[i];
        n += wi;
      });
      out[0] = s / n;
    },
  };
  const r = bootstrapBySubject(
    x.map((_, i) => i),
    mean,
    { nResamples: 4000, seed: 11, keepReplicates: true },
  );
  const e = r.estimates.mean;
  const reps = Float64Array.from(e.replicates as number[]).sort();
  assert.ok(Math.abs((e.percentile?.lower as number) - percentileSorted(reps, 2.5)) < 1e-12);
  assert.ok(Math.abs((e.percentile?.upper as number) - percentileSorted(reps, 97.5)) < 1e-12);
  const theta = x.reduce((a, b) => a + b) / x.length;
  const z0 = normalQuantile(
    (reps.filter((v) => v < theta).length + reps.filter((v) => v === theta).length / 2) / reps.length,
  );
  const loo = x.map((_, j) => (theta * x.length - x[j]) / (x.length - 1));
  const lm = loo.reduce((a, b) => a + b) / loo.length;
  const acc =
    loo.reduce((a, v) => a + (lm - v) ** 3, 0) / (6 * loo.reduce((a, v) => a + (lm - v) ** 2, 0) ** 1.5);
  const adj = (q: number) => normalCdf(z0 + (z0 + normalQuantile(q)) / (1 - acc * (z0 + normalQuantile(q))));
  assert.ok(Math.abs((e.bca?.lower as number) - percentileSorted(reps, 100 * adj(0.025))) < 1e-12);
  assert.ok(Math.abs((e.bca?.upper as number) - percentileSorted(reps, 100 * adj(0.975))) < 1e-12);
  // Right-skewed data: BCa shifts both limits up relative to the percentile interval.
  assert.ok(acc > 0);
  assert.ok((e.bca?.upper as number) > (e.percentile?.upper as number));
});

test('a subject with cases in two strata is refused', () => {
  const st = createMetricsStatistic([0, 1, 0, 1], [0.1, 0.9, 0.3, 0.6]);
  assert.throws(
    () => bootstrapBySubject(['a', 'a', 'b', 'c'], st, { strata: [0, 1, 0, 1], nResamples: 10 }),
    (e: Error & { code?: string }) =>
      e.code === 'inconsistent_subject_label' && /subject "a"/.test(e.message),
  );
});

test('too few replicates give no interval (with the reason), too many are refused', () => {
  // A mean over 5 subjects: with 1 replicate the "interval" would be one replicate twice.
  const mean: WeightedStatistic = {
    names: ['mean'],
    evaluate: (w, out) => {
      let s = 0;
      let n = 0;
      for (let i = 0; i < w.length; i++) {
        s += w[i] * i;
        n += w[i];
      }
      out[0] = s / n;
    },
  };
  const ids = ['a', 'b', 'c', 'd', 'e'];
  for (const nResamples of [1, 39]) {
    const r = bootstrapBySubject(ids, mean, { nResamples, seed: 3 });
    assert.equal(r.estimates.mean.estimate, 2);
    assert.equal(r.estimates.mean.percentile, null, `${nResamples} replicates`);
    assert.equal(r.estimates.mean.bca, null);
    assert.ok(r.warnings.some((w) => w.code === 'degenerate_interval' && /at least 40/.test(w.message)));
  }
  const enough = bootstrapBySubject(ids, mean, { nResamples: 40, seed: 3 });
  assert.ok(enough.estimates.mean.percentile !== null);
  // At 90 %, each tail is 5 %: 20 replicates suffice.
  assert.ok(bootstrapBySubject(ids, mean, { nResamples: 20, level: 0.9 }).estimates.mean.percentile);
  for (const nResamples of [9007199254740991, 1_000_001, 0, 2.5])
    assert.throws(() => bootstrapBySubject(ids, mean, { nResamples }), { code: 'invalid_option' });
});
