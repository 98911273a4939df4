/**
 * The full diagnostic-accuracy analysis of one score, as a paper's results section needs it
 * (STARD / TRIPOD+AI): AUC with DeLong and subject-bootstrap intervals, ROC and PR curves,
 * calibration, metrics at pre-declared thresholds with Wilson and bootstrap intervals, and the
 * decision curve. Pure: arrays in, plain data out.
 */
import { mixedLabelSubjects } from './aggregate.js';
import { bootstrapBySubject, type BootstrapEstimate, type BootstrapResult } from './bootstrap.js';
import { createMetricsStatistic, THRESHOLD_METRIC_NAMES, thresholdMetricName } from './bootstrap-metrics.js';
import {
  brierScoreLoss,
  calibrationCurve,
  calibrationSlopeIntercept,
  type CalibrationCurve,
  type CalibrationFit,
} from './calibration.js';
import { decisionCurve, type DecisionCurve } from './decision-curve.js';
import { delongCi, type DelongCi } from './delong.js';
import { averagePrecisionScore, precisionRecallCurve, type PrecisionRecallCurve } from './pr.js';
import { rocAucScore, rocCurve, type RocCurve } from './roc.js';
import { thresholdMetrics, type ClassificationMetrics } from './threshold-metrics.js';
import {
  thresholdForSensitivity,
  thresholdForSpecificity,
  youdenThreshold,
  type OperatingPoint,
} from './thresholds.js';
import type { StatsWarning } from './types.js';
import { checkBinaryInput, checkConsistentLength, statsError, type NumericArray } from './validate.js';

/** A pre-declared threshold: a number, Youden's optimum, or a target sensitivity/specificity. */
export type ThresholdSpec = number | 'youden' | { sensitivity: number } | { specificity: number };

/** Parses "0.5", "youden", "sens:0.9", "spec:0.95" into a {@link ThresholdSpec}. */
export function parseThresholdSpec(text: string): ThresholdSpec {
  const t = text.trim().toLowerCase();
  if (t === 'youden') return 'youden';
  const m = /^(sens|sensitivity|spec|specificity):(.+)$/.exec(t);
  const num = Number(m ? m[2] : t);
  if (t === '' || !Number.isFinite(num)) {
    statsError('invalid_option', `threshold "${text}" is not a number, "youden", "sens:0.9" or "spec:0.9"`, {
      parameter: 'thresholds',
      value: text,
    });
  }
  if (m) return m[1].startsWith('sens') ? { sensitivity: num } : { specificity: num };
  return num;
}

/** Name of a threshold spec in outputs: "0.5", "youden", "sensitivity>=0.9". */
export function thresholdSpecName(spec: ThresholdSpec): string {
  if (typeof spec === 'number') return String(spec);
  if (spec === 'youden') return 'youden';
  return 'sensitivity' in spec ? `sensitivity>=${spec.sensitivity}` : `specificity>=${spec.specificity}`;
}

/** Metrics at one pre-declared threshold. */
export interface ThresholdReport {
  name: string;
  /** How the threshold was found (null for a fixed number). */
  operatingPoint: OperatingPoint | null;
  /** Point estimates with Wilson intervals. */
  metrics: ClassificationMetrics;
  /** Subject-bootstrap intervals of every metric at this (fixed) threshold. */
  bootstrap: Record<string, BootstrapEstimate> | null;
}

/** Options of {@link diagnosticAccuracy}. */
export interface DiagnosticAccuracyOptions {
  /** Pre-declared thresholds, default [0.5, 'youden', { sensitivity: 0.9 }]. */
  thresholds?: ThresholdSpec[];
  level?: number;
  /** A prevalence at which to report PPV and NPV as well. */
  prevalence?: number;
  /** Subject-bootstrap replicates (0 to skip), default 2000. */
  nResamples?: number;
  seed?: number;
  /** Calibration bins, default 10. */
  nBins?: number;
}

/** {@link diagnosticAccuracy}'s result. */
export interface DiagnosticAccuracy {
  nCases: number;
  nPositive: number;
  nNegative: number;
  nSubjects: number;
  auc: { estimate: number; delong: DelongCi; bootstrap: BootstrapEstimate | null };
  averagePrecision: { estimate: number; bootstrap: BootstrapEstimate | null };
  rocCurve: RocCurve;
  precisionRecallCurve: PrecisionRecallCurve;
  /** Present when scores are probabilities in [0, 1]. */
  calibration: {
    brier: { estimate: number; bootstrap: BootstrapEstimate | null };
    uniform: CalibrationCurve;
    quantile: CalibrationCurve;
    fit: CalibrationFit;
    slopeBootstrap: BootstrapEstimate | null;
    interceptBootstrap: BootstrapEstimate | null;
  } | null;
  thresholds: ThresholdReport[];
  decisionCurve: DecisionCurve | null;
  bootstrap: Omit<BootstrapResult, 'estimates'> | null;
  warnings: StatsWarning[];
}

/**
 * Says plainly which intervals account for clustering — and, when subjects have cases under both
 * labels (matched case and control), that DeLong's variance ignores that pairing.
 */
function clusteringWarning(
  y: Uint8Array,
  subjects: ArrayLike<string | number>,
  nSubjects: number,
): StatsWarning {
  const mixed = mixedLabelSubjects(subjects, y);
  const paired =
    mixed.size === 0
      ? ''
      : `; ${mixed.size} subjects have cases under both labels (matched case and control), a pairing DeLong's variance ignores: read the subject-bootstrap interval`;
  return {
    code: 'clustered_cases',
    metric: 'clustering',
    message: `${y.length} cases from ${nSubjects} subjects: DeLong and Wilson intervals treat cases as independent; the bootstrap intervals resample subjects${paired}`,
  };
}

/** Resolves a threshold spec on the data to a number (and the operating point that chose it). */
export function resolveThreshold(
  y: Uint8Array,
  s: Float64Array,
  spec: ThresholdSpec,
): { threshold: number; operatingPoint: OperatingPoint | null } {
  if (typeof spec === 'number') return { threshold: spec, operatingPoint: null };
  const op =
    spec === 'youden'
      ? youdenThreshold(y, s)
      : 'sensitivity' in spec
        ? thresholdForSensitivity(y, s, spec.sensitivity)
        : thresholdForSpecificity(y, s, spec.specificity);
  return { threshold: op.threshold, operatingPoint: op };
}

/**
 * Runs the whole analysis of one score (see the module comment). Cases may be photos with
 * `subjects` naming each photo's person — then every bootstrap resamples subjects, stratified by
 * label (by label pattern when a subject has photos under both labels, a matched case–control
 * design within subject) — or subjects themselves (pass their ids). Scores outside [0, 1] are not
 * probabilities: no Brier score, calibration or decision curve (`scores_not_probabilities`). Thresholds found on these data (Youden, fixed
 * sensitivity) are held fixed in the bootstrap, so their intervals omit the threshold's own
 * uncertainty and are optimistic; prefer thresholds fixed in advance.
 */
export function diagnosticAccuracy(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  subjects: ArrayLike<string | number>,
  options: DiagnosticAccuracyOptions = {},
): DiagnosticAccuracy {
  checkConsistentLength({ yTrue, yScore, subjects });
  const { y, s, nPos, nNeg } = checkBinaryInput(yTrue, yScore);
  const level = options.level ?? 0.95;
  const nResamples = options.nResamples ?? 2000;
  let probabilities = true;
  for (const v of s) if (v < 0 || v > 1) probabilities = false;
  const specs = options.thresholds ?? [0.5, 'youden', { sensitivity: 0.9 }];
  const resolved = specs.map((spec) => ({ name: thresholdSpecName(spec), ...resolveThreshold(y, s, spec) }));
  const warnings: StatsWarning[] = [];

  let boot: BootstrapResult | null = null;
  if (nResamples > 0) {
    const stat = createMetricsStatistic(y, s, {
      thresholds: resolved.map((r) => r.threshold),
      probabilities,
    });
    boot = bootstrapBySubject(subjects, stat, {
      strata: y,
      mixedStrata: 'pattern',
      nResamples,
      seed: options.seed,
      level,
    });
    warnings.push(...boot.warnings);
  }
  const b = (name: string): BootstrapEstimate | null => boot?.estimates[name] ?? null;

  const thresholds: ThresholdReport[] = resolved.map((r) => {
    const metrics = thresholdMetrics(y, s, { threshold: r.threshold, level, prevalence: options.prevalence });
    warnings.push(...metrics.warnings.map((w) => ({ ...w, metric: `${w.metric}@${r.name}` })));
    if (r.operatingPoint) warnings.push(...r.operatingPoint.warnings);
    return {
      name: r.name,
      operatingPoint: r.operatingPoint,
      metrics,
      bootstrap:
        boot === null
          ? null
          : Object.fromEntries(
              THRESHOLD_METRIC_NAMES.map((m) => [
                m,
                b(thresholdMetricName(m, r.threshold)) as BootstrapEstimate,
              ]),
            ),
    };
  });

  let calibration: DiagnosticAccuracy['calibration'] = null;
  if (!probabilities) {
    warnings.push({
      code: 'scores_not_probabilities',
      metric: 'calibration',
      message:
        'some scores lie outside [0, 1]: a score that is not a probability has no Brier score, calibration or decision curve (reported as n/a)',
    });
  }
  if (probabilities) {
    const fit = calibrationSlopeIntercept(y, s, { level });
    warnings.push(...fit.warnings);
    calibration = {
      brier: { estimate: brierScoreLoss(y, s), bootstrap: b('brier') },
      uniform: calibrationCurve(y, s, { nBins: options.nBins ?? 10, strategy: 'uniform', level }),
      quantile: calibrationCurve(y, s, { nBins: options.nBins ?? 10, strategy: 'quantile', level }),
      fit,
      slopeBootstrap: b('calibrationSlope'),
      interceptBootstrap: b('calibrationIntercept'),
    };
  }
  const nSubjects = new Set(Array.from(subjects, String)).size;
  if (nSubjects < y.length) warnings.push(clusteringWarning(y, subjects, nSubjects));
  let bootMeta: DiagnosticAccuracy['bootstrap'] = null;
  if (boot !== null) {
    const { estimates: _estimates, ...meta } = boot;
    bootMeta = meta;
  }
  return {
    nCases: y.length,
    nPositive: nPos,
    nNegative: nNeg,
    nSubjects,
    auc: { estimate: rocAucScore(y, s), delong: delongCi(y, s, { level }), bootstrap: b('auc') },
    averagePrecision: { estimate: averagePrecisionScore(y, s), bootstrap: b('averagePrecision') },
    rocCurve: rocCurve(y, s),
    precisionRecallCurve: precisionRecallCurve(y, s),
    calibration,
    thresholds,
    decisionCurve: probabilities ? decisionCurve(y, s) : null,
    bootstrap: bootMeta,
    warnings,
  };
}
