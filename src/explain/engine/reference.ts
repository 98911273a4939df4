/**
 * The neutral value a hand-crafted feature takes when the region it describes is masked.
 *
 * Morphometrics are computed from the 468-point mesh, which masking pixels does not change; without
 * a reference value, masking the nose would leave "nose width" untouched and the nose would be
 * credited with nothing its measurements contribute. Skin-colour features are per-region statistics
 * of the pixels, but recomputing them on an inpainted crop is off the distribution of real faces:
 * the smooth fill has no skin texture, so a masked region's texture feature (mean |Laplacian| of L*)
 * falls several standard deviations below any real face (measured on the pointing-game phantoms:
 * masking the forehead moved a nose-widening screen's score by 1.4–2.2 logits through
 * `foreheadTexture` alone, more than masking the nose). Both sets are therefore neutralised at the
 * feature level, towards an in-distribution reference.
 *
 * The reference is, in order of preference:
 * 1. the bundle's normative median for the face's stratum (sex × age band, with the normative
 *    model's own fall-back to coarser strata) — "what this feature is in normal faces like this one";
 * 2. the training mean of the screen's standardiser (`pipeline.standardizer.mean`) — the value the
 *    screen itself treats as "missing", i.e. no evidence either way.
 */
import { EndofaceError } from '../../core/index.js';
import { COLOUR_FEATURE_NAMES, MORPHOMETRIC_NAMES } from '../../features/index.js';
import {
  assessNormative,
  type Bundle,
  type FittedPipeline,
  type NormativeModel,
  type Sex,
} from '../../model/index.js';

/** Reference values of the hand-crafted feature sets for one face. */
export interface FeatureReference {
  /** One value per morphometric, in MORPHOMETRIC_NAMES order (NaN: the screen does not use it). */
  morphometrics: Float64Array;
  /** One value per colour feature, in COLOUR_FEATURE_NAMES order. */
  colour: Float64Array;
  /** `normative:<stratum>` or `training-mean`. */
  source: string;
}

const NAMES = { morphometrics: MORPHOMETRIC_NAMES, colour: COLOUR_FEATURE_NAMES } as const;

/**
 * The reference values of the morphometrics and colour features for one face.
 *
 * @param face the face's own features (needed to place it in a normative stratum) and its sex and
 *   age when known
 * @throws `invalid_bundle` when the normative model lacks a feature
 */
export function featureReference(
  bundle: Bundle,
  pipeline: FittedPipeline,
  face: { sex?: Sex; age?: number; morphometrics: ArrayLike<number>; colour: ArrayLike<number> },
): FeatureReference {
  if (bundle.normative) return normativeReference(bundle.normative, face);
  const read = (set: keyof typeof NAMES): Float64Array =>
    Float64Array.from(NAMES[set], (name) => {
      const j = pipeline.columns.indexOf(`${set}.${name}`);
      return j < 0 ? NaN : pipeline.standardizer.mean[j];
    });
  return { morphometrics: read('morphometrics'), colour: read('colour'), source: 'training-mean' };
}

/**
 * The normative medians of the face's stratum (preference 1 of {@link featureReference}), from a
 * normative model alone.
 *
 * @throws `invalid_bundle` when the normative model lacks a feature
 */
export function normativeReference(
  normative: NormativeModel,
  face: { sex?: Sex; age?: number; morphometrics: ArrayLike<number>; colour: ArrayLike<number> },
): FeatureReference {
  const { reference } = assessNormative(normative, face);
  const stratum = normative.strata.find((s) => s.key === reference.stratum)!;
  const read = (set: keyof typeof NAMES): Float64Array =>
    Float64Array.from(NAMES[set], (name) => {
      const j = normative.featureNames.indexOf(`${set}.${name}`);
      if (j < 0)
        throw new EndofaceError('invalid_bundle', `the normative model has no ${set}.${name}`, { name });
      return stratum.median[j];
    });
  return {
    morphometrics: read('morphometrics'),
    colour: read('colour'),
    source: `normative:${reference.stratum}`,
  };
}
