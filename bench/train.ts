// Benchmark of supervised training against the issue's target (nested CV on 1,000 subjects ≤ 60 s),
// and one logistic fit against tfjs `model.fit` on the same matrix. Run: npx tsx bench/train.ts
// Synthetic, seeded: 1,000 subjects × 2 photos, 1,024 + 40 Gaussian features, a weak signal on 20.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  aucOfProbabilities,
  applyStandardizer,
  defaultScreenOptions,
  fitStandardizer,
  LogisticRegression,
  logisticObjective,
  trainScreen,
} from '../src/model/index.js';
import { initWasmBackend } from '../src/runtime/tf.js';
import { syntheticCohort } from '../test/model/synthetic.js';

const require = createRequire(import.meta.url);
const cohort = syntheticCohort({
  subjects: 1000,
  photos: 2,
  features: 1064,
  informative: 20,
  effect: 0.25,
  seed: 1,
});
const y = Int32Array.from(cohort.y);
const rows: { task: string; ms: number; targetMs: number | null; note: string }[] = [];

function time<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

{
  // The default grid: six values of C, 1e-4 … 10.
  const grid = defaultScreenOptions.grid.C;
  const r = time(() => trainScreen(cohort.X, cohort.y, cohort.groups, { estimator: 'logistic', seed: 1 }));
  const cv = r.value.cv;
  rows.push({
    task: `logistic, nested CV 5 × 3, C ∈ {${grid.join(', ')}}, + final model (${(grid.length * 3 + 1) * 6} fits)`,
    ms: r.ms,
    targetMs: 60_000,
    note: `OOF AUC ${cv.oofAuc.toFixed(3)}, final C ${(cv.final.chosen as { C: number }).C}`,
  });
}
{
  const mlpGrid = { hiddenUnits: [32], weightDecay: [0.01, 1] };
  const r = time(() =>
    trainScreen(cohort.X, cohort.y, cohort.groups, {
      estimator: 'mlp',
      grid: mlpGrid,
      seed: 1,
      mlp: { maxEpochs: 100 },
    }),
  );
  const cv = r.value.cv;
  rows.push({
    task: `MLP (32 ReLU, Adam, early stopping), nested CV 5 × 3, decay ∈ {0.01, 1}, + final (${(2 * 3 + 1) * 6} fits)`,
    ms: r.ms,
    targetMs: null,
    note: `OOF AUC ${cv.oofAuc.toFixed(3)}`,
  });
}

// One logistic fit on all 2,000 rows, C = 0.01: ours (L-BFGS on float64) vs tfjs (WASM) model.fit.
const C = 0.01;
const X = applyStandardizer(fitStandardizer(cohort.X), cohort.X);
const n = X.rows;
const lambda = 1 / (C * n);
const objective = (coef: ArrayLike<number>, intercept: number) => {
  const theta = new Float64Array(X.cols + 1);
  theta.set(coef);
  theta[X.cols] = intercept;
  return logisticObjective(
    X,
    y,
    new Float64Array(n).fill(1 / n),
    lambda,
    theta,
    new Float64Array(X.cols + 1),
  );
};
{
  const r = time(() => new LogisticRegression({ C }).fit(X, y));
  const m = r.value;
  rows.push({
    task: `one logistic fit, 2,000 × 1,064, C = ${C}: endoface L-BFGS`,
    ms: r.ms,
    targetMs: null,
    note: `objective ${objective(m.coef, m.intercept).toFixed(6)}, ${m.info?.iterations} iterations, train AUC ${aucOfProbabilities(y, m.predictProba(X)).toFixed(3)}`,
  });
}
{
  await initWasmBackend();
  const tf = require('@tensorflow/tfjs-core') as typeof tfc;
  const layers = require('@tensorflow/tfjs-layers') as typeof tfl;
  const xs = tf.tensor2d(Float32Array.from(X.data), [n, X.cols]);
  const ys = tf.tensor2d(Float32Array.from(y), [n, 1]);
  for (const { epochs, batchSize, lr } of [
    { epochs: 200, batchSize: n, lr: 0.01 },
    { epochs: 20, batchSize: 32, lr: 0.001 },
  ]) {
    const model = layers.sequential({
      layers: [
        layers.layers.dense({
          units: 1,
          inputShape: [X.cols],
          activation: 'sigmoid',
          // Keras' l2 adds l2·Σw² to the mean loss: λ/2 ‖w‖² with λ = 1/(C·n).
          kernelRegularizer: layers.regularizers.l2({ l2: lambda / 2 }),
        }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(lr), loss: 'binaryCrossentropy' });
    const r = await (async () => {
      const t0 = performance.now();
      await model.fit(xs, ys, { epochs, batchSize, shuffle: false, verbose: 0 });
      return performance.now() - t0;
    })();
    const [kernel, bias] = model.getWeights().map((t) => t.dataSync());
    rows.push({
      task: `one logistic fit, same data: tfjs ${tf.getBackend()} model.fit, Adam ${lr}, ${epochs} epochs × batch ${batchSize}`,
      ms: r,
      targetMs: null,
      note: `objective ${objective(kernel, bias[0]).toFixed(6)}`,
    });
    model.dispose();
  }
  xs.dispose();
  ys.dispose();
}

const width = Math.max(...rows.map((r) => r.task.length));
console.log(`${'task'.padEnd(width)}  ${'time'.padStart(10)}  ${'target'.padStart(10)}  verdict   note`);
for (const r of rows) {
  const target = r.targetMs === null ? '—' : `${r.targetMs} ms`;
  const verdict = r.targetMs === null ? '' : r.ms <= r.targetMs ? 'ok' : 'TOO SLOW';
  console.log(
    `${r.task.padEnd(width)}  ${`${r.ms.toFixed(0)} ms`.padStart(10)}  ${target.padStart(10)}  ${verdict.padEnd(8)}  ${r.note}`,
  );
}
if (rows.some((r) => r.targetMs !== null && r.ms > r.targetMs)) process.exitCode = 1;
