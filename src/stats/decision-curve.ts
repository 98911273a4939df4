/**
 * Decision curve analysis: is acting on the model better than treating everyone or no one?
 */
import { checkBinaryInput, checkInRange, checkProbabilities, type NumericArray } from './validate.js';

/** Net benefit at each threshold probability, for the model and the two default strategies. */
export interface DecisionCurve {
  /** Threshold probabilities pₜ, increasing. */
  thresholds: number[];
  /** Net benefit of calling positive where p ≥ pₜ. */
  netBenefit: number[];
  /** Net benefit of treating everyone: prevalence − (1 − prevalence)·pₜ/(1 − pₜ). */
  treatAll: number[];
  /** Net benefit of treating no one: 0. */
  treatNone: number[];
  prevalence: number;
}

/**
 * Decision curve (Vickers & Elkin, Med Decis Making 2006;26:565–574): net benefit
 * NB(pₜ) = TP/n − FP/n · pₜ/(1 − pₜ), positives = p ≥ pₜ, over threshold probabilities pₜ in
 * [0, 1) (default 0.01, 0.02 … 0.99). As in R's `dcurves::dca`. Scores must be probabilities.
 *
 * @example
 * decisionCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], { thresholds: [0.5] }).netBenefit // [0.25]
 */
export function decisionCurve(
  yTrue: ArrayLike<number | boolean>,
  yProb: NumericArray,
  options: { thresholds?: number[] } = {},
): DecisionCurve {
  const { y, s, nPos } = checkBinaryInput(yTrue, yProb, ['yTrue', 'yProb']);
  checkProbabilities(s);
  const thresholds = options.thresholds ?? Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
  thresholds.forEach((t, i) => checkInRange(`thresholds[${i}]`, t, 0, 1, { highOpen: true }));
  const n = y.length;
  const prevalence = nPos / n;
  const out: DecisionCurve = {
    thresholds: [...thresholds],
    netBenefit: [],
    treatAll: [],
    treatNone: [],
    prevalence,
  };
  for (const t of thresholds) {
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < n; i++) {
      if (s[i] >= t) {
        if (y[i] === 1) tp++;
        else fp++;
      }
    }
    const odds = t / (1 - t);
    out.netBenefit.push(tp / n - (fp / n) * odds);
    out.treatAll.push(prevalence - (1 - prevalence) * odds);
    out.treatNone.push(0);
  }
  return out;
}
