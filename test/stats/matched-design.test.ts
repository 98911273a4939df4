// A matched case–control design within subject (a person photographed as a case and as their own
// control, as `simulate --include-controls` makes): the subject bootstrap keeps a subject's photos
// together, stratified by label pattern; subject-level scores are per subject and label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregateBySubject,
  bootstrapBySubject,
  diagnosticAccuracy,
  rocAucScore,
  type WeightedStatistic,
} from '../../src/stats/index.js';

// Subjects a–e photographed as case and control; f, g cases only; h, i, j controls only.
const subject = ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd', 'e', 'e', 'f', 'g', 'h', 'i', 'j'];
const label = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0];
const score = [0.9, 0.4, 0.7, 0.5, 0.8, 0.3, 0.45, 0.6, 0.85, 0.2, 0.75, 0.55, 0.35, 0.1, 0.65];

test('the bootstrap resamples a matched subject whole, stratified by label pattern', () => {
  const first = new Map<string, number>();
  subject.forEach((s, i) => first.set(s, first.get(s) ?? i));
  // Per replicate: the largest weight difference within a subject, and subjects drawn per pattern.
  const stat: WeightedStatistic = {
    names: ['gap', 'matched', 'casesOnly', 'controlsOnly'],
    evaluate(w, out) {
      let gap = 0;
      for (let i = 0; i < w.length; i++) gap = Math.max(gap, Math.abs(w[i] - w[first.get(subject[i])!]));
      out[0] = gap;
      out[1] = w[0] + w[2] + w[4] + w[6] + w[8];
      out[2] = w[10] + w[11];
      out[3] = w[12] + w[13] + w[14];
    },
  };
  const r = bootstrapBySubject(subject, stat, {
    strata: label,
    mixedStrata: 'pattern',
    nResamples: 200,
    seed: 3,
    keepReplicates: true,
  });
  assert.equal(r.nMixedSubjects, 5);
  assert.deepEqual(new Set(r.estimates.gap.replicates), new Set([0]));
  assert.deepEqual(new Set(r.estimates.matched.replicates), new Set([5]));
  assert.deepEqual(new Set(r.estimates.casesOnly.replicates), new Set([2]));
  assert.deepEqual(new Set(r.estimates.controlsOnly.replicates), new Set([3]));
  const w = r.warnings.find((x) => x.code === 'mixed_label_subjects');
  assert.match(w?.message ?? '', /5 of 10 subjects .* matched case–control design/);
  // Without the option a subject in two strata is still refused (a labelling error elsewhere).
  assert.throws(
    () => bootstrapBySubject(subject, stat, { strata: label, nResamples: 10 }),
    /inconsistent_subject_label|different strata/,
  );
});

test('aggregateBySubject with mixedLabels "split" gives one row per subject and label', () => {
  const a = aggregateBySubject(['a', 'a', 'a', 'b', 'c'], [1, 0, 1, 1, 0], [0.9, 0.2, 0.7, 0.6, 0.3], {
    mixedLabels: 'split',
  });
  assert.deepEqual(a.subject, ['a', 'a', 'b', 'c']);
  assert.deepEqual(a.label, [1, 0, 1, 0]);
  assert.ok(Math.abs(a.score[0] - 0.8) < 1e-15);
  assert.deepEqual(a.score.slice(1), [0.2, 0.6, 0.3]);
  assert.deepEqual(a.nPhotos, [2, 1, 1, 1]);
  assert.equal(a.warnings[0].code, 'mixed_label_subjects');
  assert.throws(() => aggregateBySubject(['a', 'a'], [1, 0], [0.2, 0.6]), /labelled both 0 and 1/);
});

test('diagnosticAccuracy runs on a matched design and says DeLong ignores the pairing', () => {
  const d = diagnosticAccuracy(label, score, subject, { nResamples: 300, seed: 1 });
  assert.equal(d.nSubjects, 10);
  assert.equal(d.auc.estimate, rocAucScore(label, score));
  assert.equal(d.bootstrap?.nMixedSubjects, 5);
  const b = d.auc.bootstrap?.bca ?? d.auc.bootstrap?.percentile;
  assert.ok(b !== null && b !== undefined && b.lower < d.auc.estimate && d.auc.estimate < b.upper);
  const clustering = d.warnings.find((w) => w.code === 'clustered_cases');
  assert.match(
    clustering?.message ?? '',
    /5 subjects have cases under both labels.*DeLong's variance ignores/,
  );
});

test('scores that are not probabilities say why Brier and calibration are missing', () => {
  const logits = score.map((p) => Math.log(p / (1 - p)));
  const d = diagnosticAccuracy(label, logits, subject, { nResamples: 0 });
  assert.equal(d.calibration, null);
  assert.equal(d.decisionCurve, null);
  assert.equal(d.warnings.filter((w) => w.code === 'scores_not_probabilities').length, 1);
  const p = diagnosticAccuracy(label, score, subject, { nResamples: 0 });
  assert.ok(!p.warnings.some((w) => w.code === 'scores_not_probabilities'));
});
