// Model versus readers: the per-reader numbers match the reference values, points are placed
// against the model's ROC, the pooled comparison is seeded and written in plain words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithReaders, detectRatingScale } from '../../src/stats/index.js';
import { loadCase, close } from './reference-data.js';

const c = loadCase('stats-case-a');
const e = c.expected;
const predictions = { image: c.image, subject: c.patient, label: c.label, score: c.model };
const ratings = {
  image: [...c.image, ...c.image],
  reader: [...c.image.map(() => 'R1'), ...c.image.map(() => 'R2')],
  rating: [...c.reader1, ...c.reader2],
  readerLevel: [...c.image.map(() => 'consultant'), ...c.image.map(() => 'resident')],
};

test('rating scales: binary, ordinal 1–5, continuous 0–100, else invalid_rating', () => {
  assert.equal(detectRatingScale([0, 1, 1]), 'binary');
  assert.equal(detectRatingScale([1, 3, 5]), 'ordinal');
  assert.equal(detectRatingScale([0, 35.5, 100]), 'continuous');
  assert.throws(() => detectRatingScale([1, 120], 'X'), /reader "X" gave rating 120/);
});

test('per reader: reference AUC / DeLong for the 1–5 reader, metrics / McNemar / kappa for the binary one', () => {
  const study = compareWithReaders(predictions, ratings, { nResamples: 200, seed: 5 });
  const [r1, r2] = study.readers;
  assert.equal(r1.scale, 'ordinal');
  close(r1.readerAuc?.estimate, e.reader1_confidence_1to5.auc, 1e-9, 'reader1 auc');
  close(r1.delong?.statistic, e.delong_paired_model_vs_reader1.z, 1e-6, 'delong z');
  close(r1.delong?.pValue, e.delong_paired_model_vs_reader1.p, 1e-6, 'delong p');
  assert.equal(r1.operatingPoints.length, 4);
  assert.equal(r2.scale, 'binary');
  assert.deepEqual(r2.metrics?.confusion, {
    tp: e.reader2_binary.tp,
    fp: e.reader2_binary.fp,
    tn: e.reader2_binary.tn,
    fn: e.reader2_binary.fn,
  });
  const mc = e['mcnemar_exact_model0.5_vs_reader2_on_positives'];
  assert.deepEqual(r2.mcnemar?.onPositives.exact.table, mc.table);
  close(r2.mcnemar?.onPositives.exact.pValue, mc.p, 1e-6, 'mcnemar p');
  assert.ok((r2.mcnemar?.onPositives.midP.pValue as number) < mc.p);
  close(r2.kappaWithModel, e['cohen_kappa_model0.5_vs_reader2'], 1e-9, 'kappa');
  // The binary reader's point: specificity 115/151, sensitivity 57/89; the model's best
  // sensitivity at that specificity is read off its ROC curve.
  const pt = r2.operatingPoints[0];
  close(pt.specificity, 115 / 151, 1e-12, 'reader specificity');
  close(pt.sensitivity, 57 / 89, 1e-12, 'reader sensitivity');
  const roc = e.model.roc_curve;
  let best = 0;
  roc.fpr.forEach((f: number, i: number) => {
    if (1 - f >= 115 / 151 - 1e-12) best = Math.max(best, roc.tpr[i]);
  });
  close(pt.modelSensitivityAtReaderSpecificity, best, 1e-12, 'model sens at reader spec');
  assert.equal(pt.position, best > 57 / 89 ? 'below' : 'above');
  close(r2.matchedSpecificity?.modelSensitivity.estimate, best, 1e-12, 'matched-threshold sensitivity');
});

test('pooled comparison: seeded, plain-words summary with CI and p-value', () => {
  const a = compareWithReaders(predictions, ratings, { nResamples: 300, seed: 9 });
  const b = compareWithReaders(predictions, ratings, { nResamples: 300, seed: 9 });
  assert.deepEqual(a, b);
  const binary = a.pooled.find((p) => p.kind === 'binary' && p.group === 'all');
  assert.ok(binary);
  close(binary.quantities.readersMeanSpecificity.estimate, 115 / 151, 1e-12, 'mean spec');
  assert.match(
    binary.summary,
    /^At the reader's specificity of 0\.762, the model's sensitivity is 0\.\d{3} \(95 % CI 0\.\d{3} to 0\.\d{3}\) .* p = 0\.\d{3} \(subject bootstrap, 300 replicates\)\.$/,
  );
  const rating = a.pooled.find((p) => p.kind === 'rating' && p.group === 'all');
  close(
    rating?.quantities.aucDifference.estimate,
    e.model.auc - e.reader1_confidence_1to5.auc,
    1e-9,
    'auc difference',
  );
  // Levels identical to "all" are not repeated.
  assert.equal(a.pooled.length, 2);
});

test('ratings of an image missing from the predictions name the line', () => {
  assert.throws(
    () =>
      compareWithReaders(predictions, {
        image: ['img0000', 'nope'],
        reader: ['A', 'A'],
        rating: [1, 0],
        lines: [2, 3],
      }),
    (err: Error & { code?: string }) =>
      err.code === 'unknown_image' && /readers line 3: image "nope"/.test(err.message),
  );
});

test('inter-reader kappa for readers on the same scale', () => {
  const r = {
    image: [...c.image, ...c.image],
    reader: [...c.image.map(() => 'A'), ...c.image.map(() => 'B')],
    rating: [...c.reader2, ...c.model.map((s) => (s >= 0.5 ? 1 : 0))],
  };
  const study = compareWithReaders(predictions, r, { nResamples: 50, seed: 1 });
  assert.equal(study.interReaderKappa.length, 1);
  close(study.interReaderKappa[0].kappa, e['cohen_kappa_model0.5_vs_reader2'], 1e-9, 'kappa');
});
