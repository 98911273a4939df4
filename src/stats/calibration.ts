/**
 * Calibration: does a predicted probability of 0.7 mean 70 % of such cases are positive? Brier
 * score, the reliability curve, and the calibration slope and intercept.
 */
import { clampedLogit, normalCritical, percentileSorted } from './distributions.js';
import { fitLogistic } from './logistic.js';
import { wilsonInterval } from './proportions.js';
import type { ConfidenceInterval, ProportionEstimate, StatsWarning } from './types.js';
import {
  checkBinaryInput,
  checkConsistentLength,
  checkLevel,
  checkPositiveInteger,
  checkProbabilities,
  toBinaryLabels,
  toFiniteScores,
  type NumericArray,
} from './validate.js';
import { lookUpOption } from '../util/index.js';

/**
 * Brier score, the mean squared difference between predicted probability and outcome
 * (scikit-learn's `brier_score_loss`; Brier, Mon Weather Rev 1950). Lower is better; 0.25 is
 * what a constant 0.5 scores. Probabilities outside [0, 1] are refused (`score_out_of_range`).
 *
 * @example
 * brierScoreLoss([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.158125
 */
export function brierScoreLoss(yTrue: ArrayLike<number | boolean>, yProb: NumericArray): number {
  checkConsistentLength({ yTrue, yProb });
  const y = toBinaryLabels(yTrue);
  const p = toFiniteScores(yProb, 'yProb');
  checkProbabilities(p);
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (p[i] - y[i]) ** 2;
  return sum / y.length;
}

/** Binning strategies of {@link calibrationCurve}. */
export const CALIBRATION_STRATEGIES = ['uniform', 'quantile'] as const;
export type CalibrationStrategy = (typeof CALIBRATION_STRATEGIES)[number];

/** A reliability curve: one entry per non-empty bin, in increasing order of predicted probability. */
export interface CalibrationCurve {
  /** Observed fraction of positives in each bin (scikit-learn's `prob_true`). */
  fractionPositive: number[];
  /** Mean predicted probability in each bin (scikit-learn's `prob_pred`). */
  meanPredicted: number[];
  /** Cases in each bin. */
  count: number[];
  /** Wilson interval of each bin's fraction of positives. */
  fractionPositiveCi: ProportionEstimate[];
  /** Edges of each bin: a case p falls in (lower, upper], the first bin also takes p = lower. */
  binLower: number[];
  binUpper: number[];
  strategy: CalibrationStrategy;
  nBins: number;
}

/**
 * Reliability curve (scikit-learn 1.2's `calibration_curve`): `uniform` bins split [0, 1] into
 * `nBins` equal widths (edges `i·(1/nBins)` as NumPy's `linspace` computes them); `quantile` bins
 * hold about equal numbers of cases (edges at the type-7 percentiles). A case goes to the first
 * bin whose upper edge is ≥ its probability (`np.searchsorted(edges[1:-1], p)`), so a value on an
 * edge belongs to the lower bin. Empty bins are dropped. Each bin also gets a Wilson interval.
 *
 * @example
 * calibrationCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], { nBins: 2 })
 * // fractionPositive [1/3, 1], meanPredicted [0.2833…, 0.8], count [3, 1]
 */
export function calibrationCurve(
  yTrue: ArrayLike<number | boolean>,
  yProb: NumericArray,
  options: { nBins?: number; strategy?: CalibrationStrategy; level?: number } = {},
): CalibrationCurve {
  const nBins = checkPositiveInteger('nBins', options.nBins ?? 10);
  const strategy = lookUpOption('strategy', options.strategy ?? 'uniform', CALIBRATION_STRATEGIES);
  const level = checkLevel(options.level ?? 0.95);
  checkConsistentLength({ yTrue, yProb });
  const y = toBinaryLabels(yTrue);
  const p = toFiniteScores(yProb, 'yProb');
  checkProbabilities(p);
  let edges: number[];
  if (strategy === 'uniform') {
    const step = 1 / nBins;
    edges = Array.from({ length: nBins + 1 }, (_, i) => (i === nBins ? 1 : i * step));
  } else {
    const sorted = Float64Array.from(p).sort();
    edges = Array.from({ length: nBins + 1 }, (_, i) =>
      percentileSorted(sorted, i === nBins ? 100 : i * (100 / nBins)),
    );
  }
  const sums = new Float64Array(nBins);
  const trues = new Float64Array(nBins);
  const totals = new Float64Array(nBins);
  for (let i = 0; i < p.length; i++) {
    // Binary search for the first inner edge ≥ p (searchsorted, side "left").
    let lo = 0;
    let hi = nBins - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid + 1] < p[i]) lo = mid + 1;
      else hi = mid;
    }
    sums[lo] += p[i];
    trues[lo] += y[i];
    totals[lo] += 1;
  }
  const out: CalibrationCurve = {
    fractionPositive: [],
    meanPredicted: [],
    count: [],
    fractionPositiveCi: [],
    binLower: [],
    binUpper: [],
    strategy,
    nBins,
  };
  for (let b = 0; b < nBins; b++) {
    if (totals[b] === 0) continue;
    out.fractionPositive.push(trues[b] / totals[b]);
    out.meanPredicted.push(sums[b] / totals[b]);
    out.count.push(totals[b]);
    out.fractionPositiveCi.push(wilsonInterval(trues[b], totals[b], { level }));
    out.binLower.push(edges[b]);
    out.binUpper.push(edges[b + 1]);
  }
  return out;
}

/** Result of {@link calibrationSlopeIntercept}. */
export interface CalibrationFit {
  /**
   * Slope b of the recalibration model logit P(y=1) = a + b·logit(p): 1 is ideal; < 1 means
   * predictions too extreme (overfitting), > 1 too timid. Null if the fit does not converge.
   */
  slope: ConfidenceInterval | null;
  /**
   * Calibration intercept ("calibration-in-the-large"): a in logit P(y=1) = a + logit(p), the
   * slope fixed at 1 (Van Calster et al. 2016/2019). 0 is ideal; > 0 means risks underestimated.
   */
  intercept: ConfidenceInterval | null;
  /** The intercept a of the joint fit a + b·logit(p) (R `rms::val.prob`'s "Intercept"). */
  recalibrationIntercept: number | null;
  /** Probabilities were clipped to [eps, 1 − eps] before the logit. */
  eps: number;
  warnings: StatsWarning[];
}

/**
 * Calibration slope and intercept by logistic regression of the outcome on logit(p) (Cox,
 * Biometrika 1958; Steyerberg, Clinical Prediction Models 2019, §15.3; Van Calster et al., J Clin
 * Epidemiol 2016;74:167–176). The slope is b of logit P(y=1) = a + b·logit(p) (as R's
 * `rms::val.prob` reports it, and statsmodels `Logit(y, [1, logit(p)])`); the intercept is a of
 * logit P(y=1) = a + logit(p) (slope fixed at 1). Wald 95 % intervals from the Fisher information.
 * Probabilities of exactly 0 or 1 are clipped to [1e-15, 1 − 1e-15] with a `clipped_probabilities`
 * warning; a fit that diverges (perfect separation) gives null with `no_convergence`.
 *
 * @example
 * calibrationSlopeIntercept([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).slope.estimate // 1.8910580…
 */
export function calibrationSlopeIntercept(
  yTrue: ArrayLike<number | boolean>,
  yProb: NumericArray,
  options: { level?: number } = {},
): CalibrationFit {
  const level = checkLevel(options.level ?? 0.95);
  const { y, s: p } = checkBinaryInput(yTrue, yProb, ['yTrue', 'yProb']);
  checkProbabilities(p);
  const eps = 1e-15;
  const warnings: StatsWarning[] = [];
  const x = new Float64Array(p.length);
  let clipped = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] < eps || p[i] > 1 - eps) clipped++;
    x[i] = clampedLogit(p[i], eps);
  }
  if (clipped > 0) {
    warnings.push({
      code: 'clipped_probabilities',
      metric: 'calibration',
      message: `${clipped} probabilities of exactly 0 or 1 were clipped to [${eps}, 1 − ${eps}]`,
    });
  }
  const z = normalCritical(level);
  const wald = (estimate: number, variance: number): ConfidenceInterval => {
    const half = z * Math.sqrt(variance);
    return { estimate, lower: estimate - half, upper: estimate + half, level, method: 'wald-logistic' };
  };
  const joint = fitLogistic(y, x, null, null);
  const offset = fitLogistic(y, x, null, 1);
  if (joint === null || offset === null) {
    warnings.push({
      code: 'no_convergence',
      metric: 'calibration',
      message: 'the logistic recalibration fit did not converge (scores separate the classes perfectly?)',
    });
  }
  return {
    slope: joint === null ? null : wald(joint.b, joint.varB),
    intercept: offset === null ? null : wald(offset.a, offset.varA),
    recalibrationIntercept: joint === null ? null : joint.a,
    eps,
    warnings,
  };
}
