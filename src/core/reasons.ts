/**
 * Every reason code endoface gives, defined once: the code of each error it throws, of each quality
 * reason, of each warning and note attached to a result, and of each photo not scored, not explained
 * or skipped. A stage's own code union is a subset of this table ({@link ReasonSubset}), so a code
 * missing here does not compile; docs/reason-codes.md is generated from it
 * (`npx tsx tools/make-reason-docs.ts`).
 *
 * Kinds: `error` — the request or a photo cannot be processed (thrown, or a photo's reason for not
 * being scored); `quality` — a quality-check finding on a photo; `warning` — a result is given but
 * something about it needs attention; `note` — information, nothing to fix.
 */

export type ReasonKind = 'error' | 'quality' | 'warning' | 'note';

export interface ReasonInfo {
  kind: ReasonKind;
  /** The stages that give the code (`any`: every layer may). */
  stage: string;
  /** One line a user understands. */
  meaning: string;
}

export const REASONS = Object.freeze({
  // Any request.
  invalid_option: {
    kind: 'error',
    stage: 'any',
    meaning:
      'A request parameter (a command-line option) has a value it does not take; `details.parameter` names it.',
  },
  cancelled: {
    kind: 'error',
    stage: 'jobs',
    meaning: 'The job was cancelled; the files it wrote so far are whole.',
  },
  internal_error: {
    kind: 'error',
    stage: 'any',
    meaning:
      'An unexpected failure inside endoface (a bug worth reporting), recorded for one photo of a batch.',
  },

  // Files and folders.
  file_not_found: {
    kind: 'error',
    stage: 'io, data, jobs, explain',
    meaning: 'A named file or folder does not exist (or is a folder where a file is needed).',
  },
  file_not_readable: {
    kind: 'error',
    stage: 'io, image',
    meaning: 'A file exists but cannot be read (permissions, a symbolic-link loop, an I/O error).',
  },
  input_in_output_folder: {
    kind: 'error',
    stage: 'io, jobs',
    meaning: 'An input lies where the run writes its output, so the run would write over it.',
  },
  output_not_writable: {
    kind: 'error',
    stage: 'io, jobs',
    meaning: 'The output folder or file cannot be created or written.',
  },
  cache_unusable: {
    kind: 'error',
    stage: 'io',
    meaning: 'The feature cache file cannot be opened, or is not a feature cache.',
  },

  // Photos: decoding.
  empty_file: { kind: 'error', stage: 'image', meaning: 'The photo file is empty (0 bytes).' },
  unsupported_format: {
    kind: 'error',
    stage: 'image',
    meaning: 'The file is not an image format endoface reads (JPEG, PNG, WebP, TIFF, HEIF/AVIF, GIF).',
  },
  corrupt_image: {
    kind: 'error',
    stage: 'image',
    meaning: 'The image is damaged: its header or its image data cannot be decoded.',
  },
  too_large: {
    kind: 'error',
    stage: 'image',
    meaning: 'The file or the image is larger than the limits (`maxBytes`, `maxPixels`).',
  },
  extreme_aspect_ratio: {
    kind: 'error',
    stage: 'image',
    meaning: 'One side of the image is more than 20 times the other: a strip, not a photo.',
  },
  alpha_flattened: {
    kind: 'warning',
    stage: 'image',
    meaning: 'The photo has transparent parts; they were flattened onto a plain background.',
  },
  animated_first_frame: {
    kind: 'warning',
    stage: 'image',
    meaning: 'The file holds several images (an animation, or pages); only the first is used.',
  },
  downscaled: {
    kind: 'note',
    stage: 'image',
    meaning: 'The photo is larger than the working size and was downscaled for the analysis.',
  },

  // Photos: the quality check.
  no_face: {
    kind: 'quality',
    stage: 'face, jobs, simulate, explain',
    meaning: 'No face was found in the photo.',
  },
  multiple_faces: { kind: 'quality', stage: 'face', meaning: 'More than one face; the largest is used.' },
  face_too_small: {
    kind: 'quality',
    stage: 'face',
    meaning: 'The face is small in the photo (few pixels between the eyes).',
  },
  pose_out_of_range: { kind: 'quality', stage: 'face', meaning: 'The head is turned or tilted too far.' },
  blurry: { kind: 'quality', stage: 'face', meaning: 'The face is blurred.' },
  under_exposed: { kind: 'quality', stage: 'face', meaning: 'The face is too dark.' },
  over_exposed: { kind: 'quality', stage: 'face', meaning: 'The face is too bright.' },
  eyes_occluded: {
    kind: 'quality',
    stage: 'face',
    meaning: 'The eyes look covered (glasses, hair, a hand).',
  },
  face_cut_off: { kind: 'quality', stage: 'face', meaning: 'Part of the face is outside the photo.' },
  greyscale: {
    kind: 'quality',
    stage: 'image, face, simulate',
    meaning:
      'The photo is greyscale: colour features are unavailable, and colour signs cannot be simulated on it.',
  },
  transparent: {
    kind: 'quality',
    stage: 'face',
    meaning: 'The photo has transparent parts: a face under them is not as photographed.',
  },
  animated: {
    kind: 'quality',
    stage: 'face',
    meaning: 'The file holds several images (an animation, or pages): only the first is analysed.',
  },
  quality_rejected: {
    kind: 'quality',
    stage: 'jobs, explain, simulate',
    meaning: "The photo's quality status is not among those admitted; its quality reasons say why.",
  },

  // Datasets, manifests and study tables.
  invalid_manifest: {
    kind: 'error',
    stage: 'data, jobs',
    meaning:
      'The dataset is not a folder or a usable CSV manifest (a missing column, an empty field, not text).',
  },
  manifest_file_missing: {
    kind: 'error',
    stage: 'data',
    meaning: 'A manifest row names a photo that does not exist (training needs the whole cohort).',
  },
  manifest_duplicate_row: { kind: 'error', stage: 'data', meaning: 'A manifest lists the same photo twice.' },
  manifest_unknown_label: {
    kind: 'error',
    stage: 'data, jobs',
    meaning: 'A label is not among those the request allows, or a requested label does not occur.',
  },
  empty_dataset: {
    kind: 'error',
    stage: 'data, jobs, explain',
    meaning: 'The inputs hold no photos to work on.',
  },
  invalid_csv: {
    kind: 'error',
    stage: 'io, data',
    meaning: 'The file is not valid CSV (an unclosed quote, a row of the wrong length).',
  },
  missing_column: { kind: 'error', stage: 'data, report', meaning: 'A table lacks a column it needs.' },
  duplicate_row: {
    kind: 'error',
    stage: 'data',
    meaning: 'A table lists the same image (or the same reader and image) twice.',
  },
  empty_input: {
    kind: 'error',
    stage: 'data, stats',
    meaning: 'A table has a header but no rows, or a list of values is empty.',
  },
  no_subject_id: {
    kind: 'warning',
    stage: 'data',
    meaning: 'No `subject_id` column: each photo is taken as its own subject.',
  },
  label_mismatch_subject: {
    kind: 'warning',
    stage: 'data',
    meaning: 'A subject has photos under two labels (a data error, or a follow-up study).',
  },

  // Features, models and bundles.
  invalid_input: {
    kind: 'error',
    stage: 'model, stats, explain',
    meaning: 'Numeric input is unusable: empty, ragged, not finite, or of the wrong size.',
  },
  invalid_feature: {
    kind: 'error',
    stage: 'model, jobs',
    meaning: 'A feature value is not finite (a measurement divided by about zero).',
  },
  invalid_label: {
    kind: 'error',
    stage: 'model, stats, data',
    meaning: 'A label is not one of the values allowed (0/1, or a class index).',
  },
  length_mismatch: {
    kind: 'error',
    stage: 'model, stats, explain',
    meaning: 'Two inputs that must have one value per case have different lengths.',
  },
  single_class: {
    kind: 'error',
    stage: 'model, stats, jobs, report',
    meaning: 'Only one class is present; a screen or an evaluation needs patients and controls.',
  },
  missing_class: {
    kind: 'error',
    stage: 'model',
    meaning: 'A class of a multi-class model has no rows.',
  },
  too_few_subjects: {
    kind: 'error',
    stage: 'model',
    meaning: 'A class has fewer subjects than cross-validation folds.',
  },
  feature_mismatch: {
    kind: 'error',
    stage: 'model',
    meaning: 'The features do not match those the model was fitted on (columns, sets or lengths).',
  },
  invalid_pipeline: {
    kind: 'error',
    stage: 'model',
    meaning: "A saved model's parameters are malformed (a wrong length, a value not finite).",
  },
  invalid_bundle: {
    kind: 'error',
    stage: 'model, explain',
    meaning:
      'A model bundle is malformed: its metadata, a missing file, or a file that does not match its hash.',
  },
  bundle_not_found: {
    kind: 'error',
    stage: 'model',
    meaning: 'The folder is not a model bundle (it has no metadata.json).',
  },
  bundle_schema_mismatch: {
    kind: 'error',
    stage: 'model',
    meaning: 'The bundle was written in a schema version this endoface does not read.',
  },
  extractor_version_mismatch: {
    kind: 'error',
    stage: 'model',
    meaning:
      'The bundle was built with other versions of the feature extractors; retrain it or install those.',
  },
  bundle_exists: {
    kind: 'error',
    stage: 'jobs',
    meaning: 'The output folder already holds a model bundle, and overwriting was not allowed.',
  },
  model_not_found: {
    kind: 'error',
    stage: 'runtime, explain',
    meaning: 'A model package or a shipped model file is missing from the installation.',
  },
  backend_unavailable: {
    kind: 'error',
    stage: 'runtime',
    meaning: 'The TensorFlow.js WASM backend could not be started.',
  },
  invalid_covariate: {
    kind: 'warning',
    stage: 'model',
    meaning: 'A sex or age value cannot be used for the normative reference; the broader reference is used.',
  },
  features_missing: {
    kind: 'warning',
    stage: 'model',
    meaning: "A screen's result is withheld: its decision hinges on features missing from the photo.",
  },

  // Statistics.
  invalid_score: { kind: 'error', stage: 'stats, data', meaning: 'A score is not a finite number.' },
  score_out_of_range: {
    kind: 'error',
    stage: 'stats',
    meaning: 'A metric that needs probabilities got a score outside [0, 1].',
  },
  inconsistent_subject_label: {
    kind: 'error',
    stage: 'stats',
    meaning: 'A subject has cases under different labels where one label per subject is needed.',
  },
  invalid_rating: {
    kind: 'error',
    stage: 'stats, data',
    meaning:
      "A reader's rating is not a number on a known scale (0/1, 1–5, 0–100), or a reader has two levels.",
  },
  unknown_image: {
    kind: 'error',
    stage: 'stats',
    meaning: 'A reader rated an image that is not in the predictions.',
  },
  zero_division: {
    kind: 'warning',
    stage: 'stats',
    meaning: 'A metric is undefined: its denominator is 0 (reported as null).',
  },
  degenerate_interval: {
    kind: 'warning',
    stage: 'stats',
    meaning: 'No confidence interval: too few defined values or replicates.',
  },
  multiple_optima: {
    kind: 'warning',
    stage: 'stats',
    meaning: 'Several thresholds are equally optimal; the first is reported.',
  },
  no_convergence: {
    kind: 'warning',
    stage: 'stats',
    meaning:
      'The logistic recalibration fit did not converge (the scores may separate the classes perfectly).',
  },
  clipped_probabilities: {
    kind: 'warning',
    stage: 'stats',
    meaning: 'Probabilities of exactly 0 or 1 were clipped to take their logit.',
  },
  undefined_in_replicates: {
    kind: 'warning',
    stage: 'stats',
    meaning: 'A metric was undefined in some bootstrap replicates; they are left out of its interval.',
  },
  single_class_subgroup: {
    kind: 'warning',
    stage: 'stats',
    meaning: 'A subgroup has only one class; its discrimination metrics are undefined.',
  },
  covariate_varies_within_subject: {
    kind: 'warning',
    stage: 'stats',
    meaning: 'A covariate differs between photos of one subject; it has no value at subject level.',
  },
  few_cases: {
    kind: 'warning',
    stage: 'stats',
    meaning: 'A subgroup has few cases; read its metrics with care.',
  },
  clustered_cases: {
    kind: 'warning',
    stage: 'stats',
    meaning: 'Several photos per subject: only the bootstrap intervals resample subjects.',
  },
  mixed_label_subjects: {
    kind: 'warning',
    stage: 'stats',
    meaning: 'Subjects have cases under both labels (a matched design); the bootstrap resamples them whole.',
  },
  scores_not_probabilities: {
    kind: 'warning',
    stage: 'stats',
    meaning: 'Some scores lie outside [0, 1]: no Brier score, calibration or decision curve.',
  },

  // Simulated phenotypes.
  invalid_severity: {
    kind: 'error',
    stage: 'simulate, jobs',
    meaning: 'A severity or sign weight is outside [0, 1], or would leave phantoms unchanged yet labelled.',
  },
  sign_condition_mismatch: {
    kind: 'error',
    stage: 'simulate',
    meaning: 'A sign belongs to the other condition.',
  },
  warp_scaled_down: {
    kind: 'warning',
    stage: 'simulate',
    meaning: 'The warp would have squeezed or folded skin, so every shape sign was scaled down.',
  },

  // Explanations.
  unsupported_feature_set: {
    kind: 'error',
    stage: 'explain',
    meaning: "The explanation method cannot handle the screen's feature sets.",
  },
  invalid_human_roi: {
    kind: 'error',
    stage: 'explain',
    meaning: "The experts' region ratings file is malformed (columns, ratings or ranks).",
  },
  unknown_region: {
    kind: 'error',
    stage: 'explain',
    meaning: "The experts' ratings name a region endoface does not know.",
  },
  unknown_condition: {
    kind: 'error',
    stage: 'explain',
    meaning: "The experts' ratings name a condition endoface does not know.",
  },
  not_normal: {
    kind: 'note',
    stage: 'jobs',
    meaning: 'A baseline photo labelled with the explained class is left out of the normal faces.',
  },
  no_descriptor_features: {
    kind: 'note',
    stage: 'explain',
    meaning: 'No gradient saliency map: the screen reads no descriptor network (see the occlusion map).',
  },
} as const satisfies Record<string, ReasonInfo>);

/** Every reason code: the keys of {@link REASONS}. */
export type ReasonCode = keyof typeof REASONS;

/** A stage's own codes, checked to be table codes: `ReasonSubset<'no_face' | 'typo'>` does not compile. */
export type ReasonSubset<C extends ReasonCode> = C;

/** An outcome's reason: its code and a one-line message. */
export interface Reason<C extends ReasonCode = ReasonCode> {
  code: C;
  message: string;
}

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && Object.hasOwn(REASONS, value);
}
