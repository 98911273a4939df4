/**
 * The neutral value a mesh measurement takes when the region it measures is masked. Pixels can be
 * inpainted, but the morphometrics are computed from the 468-point mesh, which masking pixels does
 * not change; without a reference value, masking the nose would leave "nose width" untouched and the
 * explanation would credit the nose with nothing the nose measurements contribute.
 *
 * The reference is, in order of preference:
 * 1. the bundle's normative median for the face's stratum (sex × age band, with the normative
 *    model's own fall-back to coarser strata) — "what this measurement is in normal faces like this
 *    one";
 * 2. the training mean of the screen's standardiser (`pipeline.standardizer.mean`) — the value the
 *    screen itself treats as "missing", i.e. no evidence either way.
 */
import { EndofaceError } from '../errors.js';
import { MORPHOMETRIC_NAMES } from '../features/index.js';
import { assessNormative, type Bundle, type FittedPipeline, type Sex } from '../model/index.js';

export interface MorphometricReference {
  /** One value per morphometric, in MORPHOMETRIC_NAMES order. */
  values: Float64Array;
  /** `normative:<stratum>` or `training-mean`. */
  source: string;
}

/**
 * The reference values of the morphometrics for one face.
 *
 * @param face the face's own features (morphometrics and colour, needed to place it in a stratum) and
 *   its sex and age when known
 * @throws `invalid_bundle` when the normative model lacks a morphometric the screen needs
 */
export function morphometricReference(
  bundle: Bundle,
  pipeline: FittedPipeline,
  face: { sex?: Sex; age?: number; morphometrics?: ArrayLike<number>; colour?: ArrayLike<number> },
): MorphometricReference {
  const normative = bundle.normative;
  if (normative && face.morphometrics && face.colour) {
    const { reference } = assessNormative(normative, {
      sex: face.sex,
      age: face.age,
      morphometrics: face.morphometrics,
      colour: face.colour,
    });
    const stratum = normative.strata.find((s) => s.key === reference.stratum)!;
    const values = Float64Array.from(MORPHOMETRIC_NAMES, (name) => {
      const j = normative.featureNames.indexOf(`morphometrics.${name}`);
      if (j < 0)
        throw new EndofaceError('invalid_bundle', `the normative model has no morphometrics.${name}`, {
          name,
        });
      return stratum.median[j];
    });
    return { values, source: `normative:${reference.stratum}` };
  }
  const values = Float64Array.from(MORPHOMETRIC_NAMES, (name) => {
    const j = pipeline.columns.indexOf(`morphometrics.${name}`);
    return j < 0 ? NaN : pipeline.standardizer.mean[j];
  });
  return { values, source: 'training-mean' };
}
