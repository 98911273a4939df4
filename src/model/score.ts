/**
 * Scoring faces with a bundle: each screen's calibrated probability and its decision at the bundle's
 * threshold, and, when the bundle has a normative model, the face's deviation from normal faces of
 * its sex and age band. Pure: features in, scores out (the predict and screen jobs find the photos
 * and extract the features).
 */
import type { FaceFeatures } from '../features/index.js';
import type { Bundle } from './bundle.js';
import { featureMatrix, matrixColumns } from './feature-matrix.js';
import { checkMissingFeatures, decisionRule, type MissingFeatureCheck } from './missing-features.js';
import { assessNormative, type NormativeAssessment, type Sex } from './normative.js';
import { alignColumns } from './pipeline.js';
import { loadPipeline, predictProbaWithPipeline } from './screen.js';
import type { FeatureSetName } from '../features/index.js';
import type { ReasonSubset } from '../core/index.js';

export interface ScreenPrediction {
  /** Binary screens: calibrated probability of the positive class. */
  probability?: number;
  /** Every class's probability. */
  probabilities: Record<string, number>;
  /** The positive label when probability ≥ threshold, else the negative (multi-class: the most probable). */
  decision: string;
  threshold: number;
  /** When some of the screen's features were missing on this photo and filled with training means. */
  missingFeatures?: MissingFeatureCheck;
}

/** A screen's result withheld on one photo, and why. */
export interface WithheldScreen {
  code: ReasonSubset<'features_missing'>;
  message: string;
  missingFeatures: MissingFeatureCheck;
}

/** One face's scores. */
export interface FaceScores {
  screens: Record<string, ScreenPrediction>;
  /** Screens not reported for this face because their decision hinges on missing features. */
  withheld?: Record<string, WithheldScreen>;
  normative?: NormativeAssessment;
}

/** A face to score: its features and the sex and age its normative reference group is chosen by. */
export interface FaceToScore {
  features: FaceFeatures;
  sex?: Sex;
  age?: number;
}

/** The feature sets a bundle reads: its screens' and its normative model's. */
export function bundleFeatureSets(bundle: Bundle): FeatureSetName[] {
  const sets = new Set<FeatureSetName>();
  for (const s of bundle.metadata.screens) for (const f of s.featureSets) sets.add(f);
  if (bundle.normative) {
    sets.add('morphometrics');
    sets.add('colour');
    if (bundle.normative.descriptor) sets.add(bundle.normative.descriptor.set);
  }
  return [...sets];
}

/** A feature set with an infinite value (a measurement divided by ~0): the face cannot be scored. */
export function infiniteFeatureSet(features: FaceFeatures): string | undefined {
  return Object.entries(features.sets).find(([, v]) => v?.some((x: number) => Math.abs(x) === Infinity))?.[0];
}

/**
 * Scores faces (one batch per screen). Every face must have the bundle's feature sets
 * ({@link bundleFeatureSets}) and no infinite value ({@link infiniteFeatureSet}).
 */
export function scoreFaces(bundle: Bundle, faces: readonly FaceToScore[]): FaceScores[] {
  const out: FaceScores[] = faces.map(() => ({ screens: {} }));
  if (faces.length === 0) return out;
  for (const screen of bundle.metadata.screens) {
    const pipeline = loadPipeline(bundle.screens[screen.name]);
    const X = alignColumns(
      featureMatrix(
        faces.map((f) => f.features),
        screen.featureSets,
      ),
      matrixColumns(screen.featureSets),
      pipeline.columns,
    );
    const proba = predictProbaWithPipeline(pipeline, X, pipeline.columns);
    const binary = screen.classes.length === 2;
    const decide = decisionRule(screen);
    faces.forEach((face, i) => {
      const row = X.data.subarray(i * X.cols, (i + 1) * X.cols);
      const q = proba.data.subarray(i * proba.cols, (i + 1) * proba.cols);
      const missingFeatures = checkMissingFeatures(pipeline, row, decide);
      const r = out[i];
      if (missingFeatures && !missingFeatures.stable) {
        const greyscale = face.features.quality.reasons.some((x) => x.code === 'greyscale');
        r.withheld = {
          ...r.withheld,
          [screen.name]: withheldScreen(screen.name, missingFeatures, greyscale, screen.threshold.value),
        };
        return;
      }
      r.screens[screen.name] = {
        probability: binary ? q[1] : undefined,
        probabilities: Object.fromEntries(screen.classes.map((c, k) => [c, q[k]])),
        decision: screen.classes[decide(q)],
        threshold: screen.threshold.value,
        ...(missingFeatures ? { missingFeatures } : {}),
      };
    });
  }
  if (bundle.normative) {
    const normative = bundle.normative;
    faces.forEach((face, i) => {
      out[i].normative = assessNormative(normative, {
        sex: face.sex,
        age: face.age,
        morphometrics: face.features.sets.morphometrics!,
        colour: face.features.sets.colour!,
        descriptor: normative.descriptor ? face.features.sets[normative.descriptor.set] : undefined,
      });
    });
  }
  return out;
}

/** Why a screen's result is withheld: which features are missing and how much the decision hinges on them. */
function withheldScreen(
  screen: string,
  check: MissingFeatureCheck,
  greyscale: boolean,
  threshold: number,
): WithheldScreen {
  const range = check.probabilityRange
    ? `: its probability spans ${check.probabilityRange[0].toFixed(2)}–${check.probabilityRange[1].toFixed(2)} around the threshold ${threshold.toFixed(2)}`
    : '';
  return {
    code: 'features_missing',
    message: `${screen} not scored: ${check.missing.length} of its features are missing${greyscale ? ' (a greyscale photo has no skin colour)' : ''}, and filled with plausible values its decision changes in ${(100 * (1 - check.agreement)).toFixed(0)} % of fills${range}`,
    missingFeatures: check,
  };
}
