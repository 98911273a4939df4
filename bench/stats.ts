// Benchmarks of the stats stage against the issue's targets. Run: npx tsx bench/stats.ts
// Synthetic, seeded data: binormal scores (AUC ≈ 0.85) mapped to (0, 1), 1–5 photos per subject.
import { performance } from 'node:perf_hooks';
import {
  bootstrapBySubject,
  createMetricsStatistic,
  createRandom,
  delongCi,
  delongTest,
  normalQuantile,
  rocAucScore,
  thresholdForSensitivity,
  youdenThreshold,
} from '../src/stats/index.js';

function synthetic(nPhotos: number, seed: number) {
  const rng = createRandom(seed);
  const label: number[] = [];
  const score: number[] = [];
  const subject: string[] = [];
  let s = 0;
  while (label.length < nPhotos) {
    const y = rng.next() < 0.35 ? 1 : 0;
    const k = 1 + rng.nextInt(5);
    const centre = (y ? 1.5 : 0) + 0.5 * normalQuantile(rng.next() * 0.998 + 0.001);
    for (let j = 0; j < k && label.length < nPhotos; j++) {
      const z = centre + 0.8 * normalQuantile(rng.next() * 0.998 + 0.001);
      label.push(y);
      score.push(Math.round((1 / (1 + Math.exp(-(z - 0.75)))) * 1000) / 1000); // 3 decimals: ties, as real outputs have
      subject.push(`s${s}`);
    }
    s++;
  }
  return { label, score, subject, nSubjects: s };
}

function time<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

const rows: { task: string; ms: number; targetMs: number }[] = [];

{
  const d = synthetic(100_000, 1);
  const other = d.score.map((v, i) => (i % 7 === 0 ? 1 - v : v));
  time(() => delongCi(d.label, d.score)); // warm-up (JIT)
  const r = time(() => {
    const auc = rocAucScore(d.label, d.score);
    const ci = delongCi(d.label, d.score);
    return { auc, ci };
  });
  rows.push({
    task: `AUC + DeLong CI, 100,000 cases (AUC ${r.value.auc.toFixed(4)})`,
    ms: r.ms,
    targetMs: 1000,
  });
  const t = time(() => delongTest(d.label, d.score, other));
  rows.push({ task: 'paired DeLong test, 100,000 cases', ms: t.ms, targetMs: 1000 });
}

{
  const d = synthetic(5_000, 2);
  const r = time(() => {
    const thresholds = [
      0.5,
      youdenThreshold(d.label, d.score).threshold,
      thresholdForSensitivity(d.label, d.score, 0.9).threshold,
    ];
    const stat = createMetricsStatistic(d.label, d.score, { thresholds });
    return {
      boot: bootstrapBySubject(d.subject, stat, { strata: d.label, nResamples: 2000, seed: 3 }),
      k: stat.names.length,
    };
  });
  rows.push({
    task: `2,000 subject-bootstrap replicates (percentile + BCa) of ${r.value.k} metrics, 5,000 photos / ${d.nSubjects} subjects`,
    ms: r.ms,
    targetMs: 10_000,
  });
}

const width = Math.max(...rows.map((r) => r.task.length));
console.log(`${'task'.padEnd(width)}  ${'time'.padStart(10)}  ${'target'.padStart(10)}  verdict`);
for (const r of rows) {
  console.log(
    `${r.task.padEnd(width)}  ${`${r.ms.toFixed(0)} ms`.padStart(10)}  ${`${r.targetMs} ms`.padStart(10)}  ${r.ms <= r.targetMs ? 'ok' : 'TOO SLOW'}`,
  );
}
if (rows.some((r) => r.ms > r.targetMs)) process.exitCode = 1;
