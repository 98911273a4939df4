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
import type { FaceFeatures, SexAgeEstimate } from '../features/index.js';
import {
  infiniteFeatureSet,
  readSexAge,
  scoreFaces,
  sexAgeOf,
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
  /**
   * Scored although the quality check rejected the photo, because the request admitted rejected
   * photos (`admit` with `reject`): the reasons the check gave. Its scores are not a finding until
   * someone who knows why the check failed has looked at the photo.
   */
  admittedDespite?: { status: 'reject'; reasons: string[] };
  screens: Record<string, ScreenPrediction>;
  /** Screens not reported for this photo because their decision hinges on missing features. */
  withheld?: Record<string, WithheldScreen>;
  normative?: NormativeAssessment;
  /** The normal faces the photo was compared with, and where the sex and age choosing them came from. */
  referenceGroup?: ChosenReferenceGroup;
  /** Covariates the normative reference could not use (sex, age), and what was done instead. */
  warnings?: CovariateWarning[];
}

/**
 * Where the sex or the age choosing a photo's reference group came from: given with the request,
 * the photo's manifest row, the face network's estimate, or nowhere (then all sexes or all ages).
 */
export type ReferenceSource = 'request' | 'manifest' | 'estimated' | 'none';

/** The normal faces a photo was compared with, and where the sex and age choosing them came from. */
export interface ChosenReferenceGroup {
  /** The sex and age the group was chosen by (an estimated age under 18 counts as 18: the normal faces are adults). */
  sex?: Sex;
  age?: number;
  sexFrom: ReferenceSource;
  ageFrom: ReferenceSource;
  /** The group in words ("normal women aged 30–44"): coarser than asked for when that group has too few faces. */
  description: string;
  /** Its number of normal faces. */
  n: number;
  /** The face network's estimate, when it chose the sex or the age. */
  estimate?: SexAgeEstimate;
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
  if (f.quality.status === 'reject')
    p.admittedDespite = {
      status: 'reject',
      reasons: f.quality.reasons.filter((r) => r.severity === 'reject').map((r) => r.code),
    };
  return true;
}

/** The quality statuses a job scores by default: a rejected photo only when the request admits it. */
export const DEFAULT_ADMIT: readonly QualityStatus[] = ['pass', 'warn'];

/**
 * Checks a request's `admit` list before any work.
 *
 * @throws `invalid_option` for an empty list or an unknown status
 */
export function checkAdmit(admit: readonly QualityStatus[] | undefined): readonly QualityStatus[] {
  if (admit === undefined) return DEFAULT_ADMIT;
  if (admit.length === 0)
    throw new EndofaceError(
      'invalid_option',
      'admit is empty: give the quality statuses to score (pass, warn, reject)',
      {
        parameter: 'admit',
        value: admit,
      },
    );
  return admit.map((a) => lookUpOption('admit', a, ['pass', 'warn', 'reject'] as const));
}

/**
 * The sex and age choosing a photo's reference group, each from the first source that has a usable
 * value: the request, the manifest row, the face network's estimate. An unusable manifest value
 * keeps its warning, which says what is used instead.
 */
export function chooseSexAge(
  request: ReferenceGroup,
  covariates: Record<string, string>,
  estimate: SexAgeEstimate | undefined,
): Omit<ChosenReferenceGroup, 'description' | 'n'> & { warnings: CovariateWarning[] } {
  const manifest = sexAgeOf(covariates);
  const [sex, sexFrom] = firstGiven(request.sex, manifest.sex, estimate?.sex);
  // The network reads some young adults as teenagers: their group is the youngest adult band.
  const [age, ageFrom] = firstGiven(request.age, manifest.age, estimate && Math.max(18, estimate.age));
  const instead = (field: 'sex' | 'age', from: ReferenceSource, value: string | number | undefined) =>
    from === 'request'
      ? `the ${field} given with the request (${value}) is used`
      : from === 'estimated'
        ? `the ${field} estimated from the face (${value}) is used`
        : undefined;
  const { warnings } = readSexAge(covariates, {
    sex: instead('sex', sexFrom, sex),
    age: instead('age', ageFrom, ageFrom === 'estimated' ? estimate?.age.toFixed(0) : age),
  });
  return {
    ...(sex !== undefined ? { sex } : {}),
    ...(age !== undefined ? { age } : {}),
    sexFrom,
    ageFrom,
    ...(estimate && (sexFrom === 'estimated' || ageFrom === 'estimated') ? { estimate } : {}),
    warnings,
  };
}

/** The first value given, and where from: the request, the manifest, the estimate, or none. */
function firstGiven<T>(request?: T, manifest?: T, estimated?: T): [T | undefined, ReferenceSource] {
  if (request !== undefined) return [request, 'request'];
  if (manifest !== undefined) return [manifest, 'manifest'];
  if (estimated !== undefined) return [estimated, 'estimated'];
  return [undefined, 'none'];
}

/**
 * Scores the admitted photos and records the scores (one batch per screen). The normative score's
 * reference group is chosen per field by {@link chooseSexAge} and recorded as `referenceGroup`.
 */
export function scoreAdmitted(
  bundle: Bundle,
  admitted: readonly { prediction: PhotoPrediction; features: FaceFeatures }[],
  reference: ReferenceGroup = {},
): void {
  const chosen = admitted.map(({ prediction, features }) => {
    const { warnings, ...group } = chooseSexAge(reference, prediction.covariates, features.sexAge);
    if (warnings.length > 0) prediction.warnings = warnings;
    return group;
  });
  const scores: FaceScores[] = scoreFaces(
    bundle,
    admitted.map((a, i) => ({ features: a.features, sex: chosen[i].sex, age: chosen[i].age })),
  );
  admitted.forEach(({ prediction }, i) => {
    Object.assign(prediction, scores[i]);
    const normative = scores[i].normative;
    if (normative)
      prediction.referenceGroup = {
        ...chosen[i],
        description: normative.reference.description,
        n: normative.reference.n,
      };
    prediction.scored = true;
  });
}

/**
 * Whether any of these photos needs the network's sex and age estimate: the bundle has a normative
 * model and neither the request nor the photo's manifest row gives both a usable sex and age.
 */
export function needsSexAgeEstimate(
  bundle: Bundle,
  photos: readonly { covariates: Record<string, string> }[],
  reference: ReferenceGroup,
): boolean {
  if (!bundle.normative) return false;
  return photos.some((p) => {
    const manifest = sexAgeOf(p.covariates);
    return (reference.sex ?? manifest.sex) === undefined || (reference.age ?? manifest.age) === undefined;
  });
}
