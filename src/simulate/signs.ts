import { EndofaceError } from '../core/index.js';
import type { RegionName } from '../face/index.js';
import { lookUpOption } from '../util/index.js';
import { CONDITIONS, type Condition } from '../core/index.js';

/**
 * The simulator's sign catalogue: every facial change it can make, one parameter per sign, with the
 * condition it belongs to (DESIGN.md §3), the named regions it targets (`src/face/regions.ts`), the
 * size of the change at full strength (magnitude 1) and the morphometrics it is meant to move.
 *
 * Geometry is in the aligned crop's frame, in fractions of the crop side ("face units": the eye
 * centres are 0.28 apart), so every change scales with the face and follows its orientation.
 */
export { CONDITIONS, type Condition };

export const SIGN_NAMES = [
  'nose_widening',
  'nose_enlargement',
  'lip_thickening',
  'mandible_enlargement',
  'brow_prominence',
  'moon_face',
  'plethora',
] as const;
export type SignName = (typeof SIGN_NAMES)[number];

export interface SignDefinition {
  name: SignName;
  condition: Condition;
  /** `shape`: a landmark-driven warp; `colour`: a CIELAB edit; `shape+colour`: both. */
  kind: 'shape' | 'colour' | 'shape+colour';
  /** The regions the sign targets; neighbouring regions see only the smooth falloff. */
  regions: RegionName[];
  description: string;
  /** The change at magnitude 1, in words (the table of docs/methods/simulation.md). */
  atFull: string;
  /** The numbers behind `atFull`; the displacement and colour code reads them from here. */
  params: Readonly<Record<string, number>>;
  /** Morphometrics (`src/features/morphometrics.ts`) the sign moves, with the direction it moves them. */
  morphometrics: readonly { name: string; direction: 1 | -1 }[];
}

const up = (name: string) => ({ name, direction: 1 as const });
const down = (name: string) => ({ name, direction: -1 as const });

/** Every sign, in the order random variation draws them (so a seed gives the same cohort in any release that keeps this order). */
export const SIGNS: Readonly<Record<SignName, SignDefinition>> = Object.freeze({
  nose_widening: {
    name: 'nose_widening',
    condition: 'acromegaly',
    kind: 'shape',
    regions: ['nose'],
    description: 'widened alae: the alae and the skin beside them move outwards, the cheek beyond absorbs it',
    atFull: 'alar width +24 %',
    params: { alarWidthGain: 0.24 },
    morphometrics: [up('noseWidthToInterocular'), up('alarBaseWidthToInterocular')],
  },
  nose_enlargement: {
    name: 'nose_enlargement',
    condition: 'acromegaly',
    kind: 'shape',
    regions: ['nose'],
    description: 'a larger, longer nose: scaled from the nasion, more at the tip than at the bridge',
    atFull: 'nose length +6 %, lower-nose width +10 %',
    params: { lengthGain: 0.06, widthGain: 0.1 },
    morphometrics: [up('noseLengthToFaceHeight'), up('noseAreaToInterocular2')],
  },
  lip_thickening: {
    name: 'lip_thickening',
    condition: 'acromegaly',
    kind: 'shape',
    regions: ['lips'],
    description:
      'thick lips (macrocheilia): the lips grow away from the mouth line, the upper one mostly downwards (the mouth is lowered, the philtrum keeps its length); the mouth a little wider',
    atFull: 'lip thickness +40 %, mouth width +3 %',
    params: { thicknessGain: 0.4, widthGain: 0.03 },
    morphometrics: [
      up('upperLipThicknessToMouthWidth'),
      up('lowerLipThicknessToMouthWidth'),
      up('lipHeightToMouthWidth'),
    ],
  },
  mandible_enlargement: {
    name: 'mandible_enlargement',
    condition: 'acromegaly',
    kind: 'shape',
    regions: ['chin', 'jawRight', 'jawLeft'],
    description:
      'a larger mandible: the chin lengthens and descends, and the jaw widens from the jaw angles down (the mouth keeps its width)',
    atFull: 'chin lowered by 8 % of face height (lower face ≈ +21 %), jaw and chin width +10 %',
    params: { chinDropOfFaceHeight: 0.08, jawWidthGain: 0.1 },
    morphometrics: [
      up('lowerFaceHeightToFaceHeight'),
      up('chinHeightToFaceHeight'),
      down('faceWidthToHeight'),
      up('jawAngleWidthToFaceWidth'),
    ],
  },
  brow_prominence: {
    name: 'brow_prominence',
    condition: 'acromegaly',
    kind: 'shape+colour',
    regions: ['browRidge'],
    description:
      'a prominent supraorbital ridge: the brow band thickens and spreads, lit on top and shadowed beneath',
    atFull: 'brow band +40 % thick, +5 % wide; ridge L* +4, shadow under it L* −10',
    params: { thicknessGain: 0.3, widthGain: 0.05, highlightL: 4, shadowL: -10 },
    morphometrics: [],
  },
  moon_face: {
    name: 'moon_face',
    condition: 'cushing',
    kind: 'shape',
    regions: ['cheekRight', 'cheekLeft', 'jawRight', 'jawLeft'],
    description:
      'moon face: cheeks and lower face widen (most at mouth and jaw level), rounding the jaw line',
    atFull: 'lower-face width +12 % of face width, cheekbone width ≈ +5 %',
    params: { lowerFaceWidthGain: 0.12 },
    morphometrics: [
      up('faceWidthToHeight'),
      up('mouthLevelWidthToFaceWidth'),
      up('jawAngleWidthToFaceWidth'),
      up('chinWidthToFaceWidth'),
      down('interocularToFaceWidth'),
    ],
  },
  plethora: {
    name: 'plethora',
    condition: 'cushing',
    kind: 'colour',
    regions: ['cheekRight', 'cheekLeft'],
    description: 'facial plethora: red cheeks (CIELAB a* raised under a feathered cheek mask)',
    atFull: 'cheek a* +9, L* −2, b* −1',
    params: { deltaA: 9, deltaL: -2, deltaB: -1 },
    morphometrics: [],
  },
});

/** The signs of one condition, in catalogue order. */
export function signsOf(condition: Condition): SignName[] {
  return SIGN_NAMES.filter((s) => SIGNS[s].condition === condition);
}

/**
 * Resolves the per-sign magnitudes of a phantom: without `signs`, every sign of the condition at
 * `severity`; with `signs`, only the signs listed, each at `severity × weight` (so
 * `{ nose_widening: 1 }` makes a single-sign phantom). Signs of the other condition are refused, and
 * so is a `signs` in which no sign weighs anything (`invalid_option`).
 */
export function resolveSignMagnitudes(
  condition: Condition,
  severity: number,
  signs?: Partial<Record<string, number>>,
): Record<SignName, number> {
  const out = Object.fromEntries(SIGN_NAMES.map((s) => [s, 0])) as Record<SignName, number>;
  const own = signsOf(condition);
  if (signs === undefined) {
    for (const s of own) out[s] = severity;
    return out;
  }
  for (const [key, weight] of Object.entries(signs)) {
    const name = lookUpOption('signs', key, SIGN_NAMES);
    if (SIGNS[name].condition !== condition) {
      throw new EndofaceError(
        'sign_condition_mismatch',
        `sign "${name}" belongs to ${SIGNS[name].condition}, not ${condition}; signs of ${condition}: ${own.join(', ')}`,
        { parameter: 'signs', value: name, condition },
      );
    }
    if (weight === undefined || !Number.isFinite(weight) || weight < 0 || weight > 1) {
      throw new EndofaceError('invalid_severity', `signs.${name} must be a number in [0, 1], got ${weight}`, {
        parameter: `signs.${name}`,
        value: weight,
      });
    }
    out[name] = severity * weight;
  }
  // No sign with any weight: every "phantom" would be the photo unchanged, labelled as affected.
  if (!Object.values(signs).some((w) => (w ?? 0) > 0)) {
    throw new EndofaceError(
      'invalid_option',
      `signs: no sign has a weight above 0 (${JSON.stringify(signs)}); give at least one, e.g. ${own[0]}=1, or leave signs out for every sign of ${condition}`,
      { parameter: 'signs', value: signs },
    );
  }
  return out;
}
