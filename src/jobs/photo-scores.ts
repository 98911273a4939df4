/**
 * From resolved photos to their scores: what the predict and screen jobs share. A photo is scored
 * when it could be read, a face was found, its quality is admitted and its features are finite;
 * otherwise it is listed with the reason (`notScored`), in place.
 */
import { EndofaceError, type Reason } from '../core/index.js';
import type { CovariateWarning } from '../model/index.js';
import { lookUpOption } from '../util/index.js';
import type { PhotoInput } from '../data/index.js';
import type { QualityStatus, QualityVerdict } from '../face/index.js';
import type { FaceFeatures } from '../features/index.js';
import {
  infiniteFeatureSet,
  readSexAge,
  scoreFaces,
  type Bundle,
  type FaceScores,
  type NormativeAssessment,
  type ScreenPrediction,
  type Sex,
  type WithheldScreen,
} from '../model/index.js';

/** One photo's answer from a bundle. */
export interface PhotoPrediction {
  file: string;
  subject?: string;
  label?: string;
  covariates: Record<string, string>;
  quality?: QualityVerdict;
  faceCount: number;
  scored: boolean;
  /** Why the photo was not scored: unreadable (`file_not_found`, `corrupt_image`, …), `no_face`, `quality_rejected`, `invalid_feature`. */
  notScored?: Reason;
  screens: Record<string, ScreenPrediction>;
  /** Screens not reported for this photo because their decision hinges on missing features. */
  withheld?: Record<string, WithheldScreen>;
  normative?: NormativeAssessment;
  /** Covariates the normative reference could not use (sex, age), and what was done instead. */
  warnings?: CovariateWarning[];
}

/** The sex and age a photo's normative reference group is chosen by, overriding its manifest's. */
export interface ReferenceGroup {
  sex?: Sex;
  age?: number;
}

/**
 * Checks a request's reference group before any work.
 *
 * @throws `invalid_option` for a sex other than female or male, or an age outside 18–120
 */
export function checkReferenceGroup(reference: ReferenceGroup): ReferenceGroup {
  if (reference.sex !== undefined) lookUpOption('sex', reference.sex, ['female', 'male'] as const);
  if (reference.age !== undefined && !(reference.age >= 18 && reference.age <= 120))
    throw new EndofaceError(
      'invalid_option',
      `age ${reference.age} is outside 18–120 years, the ages the normal faces cover`,
      { parameter: 'age', value: reference.age },
    );
  return reference;
}

/** The prediction of a photo before it is scored: listed with its problem, or waiting for its features. */
export function pendingPrediction(photo: PhotoInput): PhotoPrediction {
  return {
    file: photo.file,
    ...(photo.subjectId !== undefined ? { subject: photo.subjectId } : {}),
    ...(photo.label !== undefined ? { label: photo.label } : {}),
    covariates: photo.covariates,
    faceCount: 0,
    scored: false,
    screens: {},
    ...(photo.problem ? { notScored: photo.problem } : {}),
  };
}

/**
 * Records a photo's extraction outcome on its prediction and says whether it can be scored: it
 * cannot without a face, with a quality status outside `admit`, or with an infinite feature (a
 * measurement divided by ~0: this photo is set aside, not the batch).
 */
export function admitFeatures(
  p: PhotoPrediction,
  outcome: { ok: true; features: FaceFeatures } | { ok: false; error: Reason },
  admit: readonly QualityStatus[],
): boolean {
  if (!outcome.ok) {
    p.notScored = outcome.error;
    return false;
  }
  const f = outcome.features;
  p.quality = f.quality;
  p.faceCount = f.faceCount;
  if (f.faceCount === 0) {
    p.notScored = { code: 'no_face', message: 'no face was found in the photo' };
    return false;
  }
  if (!admit.includes(f.quality.status)) {
    const reasons = f.quality.reasons.filter((r) => r.severity === f.quality.status);
    p.notScored = {
      code: 'quality_rejected',
      message: `quality ${f.quality.status}${reasons.length ? ` (${reasons.map((r) => r.code).join(', ')})` : ''}, not among the statuses scored (${admit.join(', ')})`,
    };
    return false;
  }
  const bad = infiniteFeatureSet(f);
  if (bad) {
    p.notScored = { code: 'invalid_feature', message: `${bad} has an infinite value on this photo` };
    return false;
  }
  return true;
}

/**
 * Scores the admitted photos and records the scores (one batch per screen). The reference group of
 * the normative score is the request's sex and age when given, else the manifest's.
 */
export function scoreAdmitted(
  bundle: Bundle,
  admitted: readonly { prediction: PhotoPrediction; features: FaceFeatures }[],
  reference: ReferenceGroup = {},
): void {
  const groups = admitted.map(({ prediction }) => {
    const fromManifest = readSexAge(prediction.covariates);
    if (fromManifest.warnings.length > 0) prediction.warnings = fromManifest.warnings;
    return { sex: reference.sex ?? fromManifest.sex, age: reference.age ?? fromManifest.age };
  });
  const scores: FaceScores[] = scoreFaces(
    bundle,
    admitted.map((a, i) => ({ features: a.features, ...groups[i] })),
  );
  admitted.forEach(({ prediction }, i) => {
    Object.assign(prediction, scores[i]);
    prediction.scored = true;
  });
}
