/**
 * The engine behind every perturbation explanation (region masking, the occlusion grid, deletion
 * curves): hide part of the aligned face, recompute every feature the screen uses, and score.
 *
 * Masking must neutralise the hidden part in every feature set, or the explanation lies:
 * - the descriptor networks see pixels: they are recomputed from the crop with the hidden part
 *   inpainted (fill.ts);
 * - the hand-crafted features (morphometrics from the mesh, skin colour per region) are each moved
 *   towards an in-distribution reference (reference.ts says which, and why colour is not recomputed
 *   from the inpainted pixels) by the fraction of its regions that is hidden: the mean, over the
 *   regions listed in its definition (`MORPHOMETRICS[i].regions`, `COLOUR_FEATURES[i].regions`), of
 *   the share of that region's pixels under the mask. Masking a whole region that a feature shares
 *   with k − 1 others moves it 1/k of the way; masking all of them moves it fully. For a linear
 *   screen this splits a shared feature's credit evenly between its regions, as Shapley values
 *   would, instead of crediting it k times over.
 */
import { EndofaceError } from '../../core/index.js';
import { REGION_NAMES, regionLabelMap } from '../../face/index.js';
import type { AlignedFace, FaceAnalysis } from '../../face/index.js';
import type { RgbImage } from '../../image/index.js';
import {
  COLOUR_FEATURES,
  computeColourFeatures,
  computeMorphometrics,
  DESCRIPTOR_IDS,
  MORPHOMETRICS,
  type DescriptorId,
  type FeatureSetName,
  computeColourLayout,
} from '../../features/index.js';
import {
  FittedPipeline,
  matrixColumns,
  type Bundle,
  type Matrix64,
  type ScreenMetadata,
  type Sex,
} from '../../model/index.js';
import { lookUpOption } from '../../util/index.js';
import { localDescriptorRunner, type DescriptorRunner } from './descriptor-runner.js';
import { defaultFillSigma, inpaintMasked, meanColour, type FillOptions, type FillSource } from './fill.js';
import { meanFaceDetail } from './mean-face.js';
import { featureReference, type FeatureReference } from './reference.js';

/** The screen being explained and the class whose probability is the score. */
export interface ExplainTarget {
  screen: ScreenMetadata;
  pipeline: FittedPipeline;
  /** The pipeline's input columns, in the order the feature rows are built. */
  columns: string[];
  /** Index of the explained class in `screen.classes`; its probability is the score. */
  classIndex: number;
}

/**
 * Chooses the screen and class to explain. Binary screens explain the positive class; a
 * multi-class model explains `className` (default: its second class, the first condition).
 *
 * @throws `invalid_option` (with the closest name) for an unknown screen or class;
 *   `unsupported_feature_set` when the screen uses a feature set masking cannot neutralise
 */
export function explainTarget(bundle: Bundle, screenName?: string, className?: string): ExplainTarget {
  const names = bundle.metadata.screens.map((s) => s.name);
  const name = screenName === undefined ? names[0] : lookUpOption('screen', screenName, names);
  const screen = bundle.metadata.screens.find((s) => s.name === name)!;
  const unknown = screen.featureSets.find((set) => !explainable(set));
  if (unknown !== undefined) throw unsupportedSet(unknown);
  const cls = className === undefined ? screen.classes[1] : lookUpOption('class', className, screen.classes);
  return {
    screen,
    pipeline: FittedPipeline.fromJSON(bundle.screens[name]),
    columns: matrixColumns(screen.featureSets),
    classIndex: screen.classes.indexOf(cls),
  };
}

/** One face, ready to be perturbed: its crop, region labels, original features and references. */
export interface PreparedFace {
  analysis: FaceAnalysis;
  aligned: AlignedFace;
  /** Region index (REGION_NAMES) of every crop pixel, −1 for none: from the original mesh. */
  labels: Int8Array;
  /** Pixels of each region. */
  regionPixels: Int32Array;
  /** 1 on crop pixels that belong to a region (the fill's sources for region masks). */
  faceMask: Uint8Array;
  greyscale: boolean;
  /** The unperturbed features of every set the target needs. */
  features: Partial<Record<FeatureSetName, Float64Array>>;
  reference: FeatureReference;
  fill: FillOptions;
}

/** Face and covariates for {@link prepareFace}. */
export interface PrepareOptions {
  sex?: Sex;
  age?: number;
  fill?: {
    /** σ of the inpainting, crop pixels (default 5 % of the crop side). */
    sigmaPx?: number;
    /** Fine detail added to the inpainted colours: the mean face's (default) or none (a smooth fill). */
    detail?: FillDetail;
  };
}

/** The fill's fine detail: `mean-face` (mean-face.ts) or `none`. */
export const FILL_DETAILS = ['mean-face', 'none'] as const;
export type FillDetail = (typeof FILL_DETAILS)[number];

/**
 * The fill's settings with their defaults: the mean face's detail and σ = 5 % of the crop side.
 *
 * @throws `invalid_option` for an unknown detail
 */
export function resolveFill(
  fill: PrepareOptions['fill'] = {},
  cropSide: number,
): { detail: FillDetail; sigmaPx: number } {
  return {
    detail: lookUpOption('fill.detail', fill.detail ?? 'mean-face', FILL_DETAILS),
    sigmaPx: fill.sigmaPx ?? defaultFillSigma(cropSide),
  };
}

/** A crop's region labels with what masking needs of them: each region's pixel count and the face mask. */
export function regionLayout(labels: Int8Array): Pick<PreparedFace, 'labels' | 'regionPixels' | 'faceMask'> {
  const regionPixels = new Int32Array(REGION_NAMES.length);
  const faceMask = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= 0) {
      regionPixels[labels[i]]++;
      faceMask[i] = 1;
    }
  }
  return { labels, regionPixels, faceMask };
}

/** Regions of each hand-crafted feature, as indices into REGION_NAMES. */
const FEATURE_REGIONS = {
  morphometrics: MORPHOMETRICS.map((m) => m.regions.map((r) => REGION_NAMES.indexOf(r))),
  colour: COLOUR_FEATURES.map((m) => m.regions.map((r) => REGION_NAMES.indexOf(r))),
};

/**
 * Computes everything a perturbation needs once per face: the region labels of the crop, the
 * original features (exactly as `extractFeatures` computes them) and the feature references.
 *
 * @throws `no_face` when the analysis found no face
 */
export async function prepareFace(
  bundle: Bundle,
  target: ExplainTarget,
  analysis: FaceAnalysis,
  options: PrepareOptions = {},
): Promise<PreparedFace> {
  const aligned = analysis.aligned;
  if (!analysis.primary || !aligned) {
    throw new EndofaceError(
      'no_face',
      `no face found in ${analysis.source.path ?? 'the photo'}; nothing to explain`,
      {
        file: analysis.source.path,
      },
    );
  }
  const { width, height } = aligned.image;
  const { labels, regionPixels, faceMask } = regionLayout(regionLabelMap(aligned.meshCrop, width, height));
  const greyscale = analysis.imageWarnings.includes('greyscale');
  const features: PreparedFace['features'] = {
    morphometrics: computeMorphometrics(analysis.primary.meshPx, analysis.primary.pose),
    colour: computeColourFeatures(aligned, { greyscale, labels }),
  };
  for (const set of target.screen.featureSets.filter(isDescriptor))
    features[set] = Float64Array.from((await localDescriptorRunner.run(set, [aligned.image]))[0]);
  if (target.screen.featureSets.includes('colourmap'))
    features.colourmap = computeColourLayout(aligned, { greyscale, labels });
  const reference = featureReference(bundle, target.pipeline, {
    sex: options.sex,
    age: options.age,
    morphometrics: features.morphometrics!,
    colour: features.colour!,
  });
  const { sigmaPx, detail } = resolveFill(options.fill, width);
  const fill: FillOptions = {
    sigmaPx,
    fallback: meanColour(aligned.image, faceMask),
    detail: detail === 'mean-face' ? await meanFaceDetail(width, sigmaPx) : undefined,
  };
  return { analysis, aligned, labels, regionPixels, faceMask, greyscale, features, reference, fill };
}

const isDescriptor = (set: FeatureSetName): set is DescriptorId => (DESCRIPTOR_IDS as string[]).includes(set);

/**
 * The feature sets masking knows how to neutralise: hand-crafted per region, or computed from the
 * pixels (a descriptor network, the colour layout), which are recomputed on the masked crop.
 */
const explainable = (set: FeatureSetName): boolean =>
  set === 'morphometrics' || set === 'colour' || set === 'colourmap' || isDescriptor(set);

const unsupportedSet = (set: string): EndofaceError =>
  new EndofaceError(
    'unsupported_feature_set',
    `the explainer cannot mask feature set "${set}" yet (it masks morphometrics, colour, the colour layout and the descriptor networks)`,
    { set },
  );

/**
 * What to hide: a crop-sized mask (1 = hidden) and where the fill may borrow colours from —
 * `face` (region masks: only other face pixels, so the fill is skin) or `any` (grid cells, which
 * may lie on hair or background). `null` is the unperturbed face.
 */
export type Perturbation = { mask: Uint8Array; source: FillSource } | null;

/** Share of each region's pixels under a mask. */
export function regionCoverage(face: PreparedFace, mask: Uint8Array): Float64Array {
  const hidden = new Float64Array(REGION_NAMES.length);
  for (let i = 0; i < mask.length; i++) if (mask[i] && face.labels[i] >= 0) hidden[face.labels[i]]++;
  return hidden.map((h, r) => (face.regionPixels[r] > 0 ? h / face.regionPixels[r] : 0));
}

/** The mask that hides the given regions (indices into REGION_NAMES). */
export function regionsMask(face: PreparedFace, regions: readonly number[]): Uint8Array {
  const want = new Uint8Array(REGION_NAMES.length);
  for (const r of regions) want[r] = 1;
  const mask = new Uint8Array(face.labels.length);
  for (let i = 0; i < mask.length; i++) if (face.labels[i] >= 0 && want[face.labels[i]]) mask[i] = 1;
  return mask;
}

/** The crop with a perturbation applied. */
export function perturbedImage(face: PreparedFace, p: Perturbation): RgbImage {
  if (p === null) return face.aligned.image;
  return inpaintMasked(
    face.aligned.image,
    p.mask,
    p.source === 'face' ? face.faceMask : undefined,
    face.fill,
  );
}

/**
 * The feature rows (one per perturbation, in `target.columns` order) of a face under each
 * perturbation. The descriptor network runs on every perturbed crop through `runner` (worker
 * threads when it has them); crops are inpainted only when a feature set needs pixels. A network
 * whose rows are `supplied` (one per perturbation: feature occlusion) is not run.
 */
export async function perturbedFeatureRows(
  target: ExplainTarget,
  face: PreparedFace,
  perturbations: readonly Perturbation[],
  runner: DescriptorRunner = localDescriptorRunner,
  supplied: Partial<Record<string, ArrayLike<number>[]>> = {},
): Promise<Matrix64> {
  const n = perturbations.length;
  for (const [set, rows] of Object.entries(supplied))
    if (rows && rows.length !== n)
      throw new EndofaceError('length_mismatch', `${rows.length} ${set} rows for ${n} perturbations`, {
        set,
      });
  const descriptorSets = target.screen.featureSets.filter(isDescriptor).filter((set) => !supplied[set]);
  const usesLayout = target.screen.featureSets.includes('colourmap');
  const changed = perturbations.map((p, k) => (p === null ? -1 : k)).filter((k) => k >= 0);
  // Crops are inpainted a quarter at a time and each quarter handed to the runner at once, so its
  // workers start on the first quarter while this thread fills the next.
  const images: RgbImage[] = [];
  const pending = new Map(descriptorSets.map((set) => [set, [] as Promise<Float32Array[]>[]]));
  if (descriptorSets.length > 0 || usesLayout) {
    const step = Math.max(1, Math.ceil(changed.length / 4));
    for (let i = 0; i < changed.length; i += step) {
      const chunk = changed.slice(i, i + step).map((k) => perturbedImage(face, perturbations[k]));
      images.push(...chunk);
      for (const set of descriptorSets) pending.get(set)!.push(runner.run(set, chunk));
    }
  }
  const coverage = perturbations.map((p) => (p === null ? null : regionCoverage(face, p.mask)));
  const cols = target.columns.length;
  const data = new Float64Array(n * cols);
  let offset = 0;
  for (const set of target.screen.featureSets) {
    let rows: ArrayLike<number>[];
    if (set === 'morphometrics' || set === 'colour') {
      rows = coverage.map((c) => neutralised(face, set, c));
    } else if (set === 'colourmap') {
      // A pixel feature: recomputed on each masked crop, with the face's own region map.
      rows = perturbations.map(() => face.features.colourmap!);
      changed.forEach((k, j) => {
        rows[k] = computeColourLayout(
          { ...face.aligned, image: images[j] },
          { greyscale: face.greyscale, labels: face.labels },
        );
      });
    } else if (supplied[set]) {
      rows = supplied[set]!;
    } else {
      if (!isDescriptor(set)) throw unsupportedSet(set);
      const desc = (await Promise.all(pending.get(set)!)).flat();
      rows = perturbations.map(() => face.features[set]!);
      changed.forEach((k, j) => (rows[k] = desc[j]));
    }
    const width = rows[0].length;
    rows.forEach((row, i) => data.set(row, i * cols + offset));
    offset += width;
  }
  return { data, rows: n, cols };
}

/** A hand-crafted set of a prepared face under a perturbation's coverage. */
function neutralised(
  face: PreparedFace,
  set: 'morphometrics' | 'colour',
  coverage: Float64Array | null,
): Float64Array {
  return neutraliseHandCrafted(set, face.features[set]!, face.reference[set], coverage);
}

/**
 * A hand-crafted feature set with each feature moved towards its reference by the hidden share of
 * its regions (`coverage`: per region, the share of its pixels hidden, as `regionCoverage` gives;
 * null = unperturbed). Pure, so that saved coverages can be replayed against another reference.
 */
export function neutraliseHandCrafted(
  set: 'morphometrics' | 'colour',
  original: Float64Array,
  ref: ArrayLike<number>,
  coverage: ArrayLike<number> | null,
): Float64Array {
  if (coverage === null) return original;
  return original.map((x, j) => {
    const regions = FEATURE_REGIONS[set][j];
    const f = regions.reduce((s, r) => s + coverage[r], 0) / Math.max(1, regions.length);
    return f === 0 || !Number.isFinite(ref[j]) ? x : x + f * (ref[j] - x);
  });
}

/** The target class's calibrated probability for each row of X. */
export function scoreRows(target: ExplainTarget, X: Matrix64): Float64Array {
  const proba = target.pipeline.predictProba(X, target.columns);
  return Float64Array.from({ length: X.rows }, (_, i) => proba.data[i * proba.cols + target.classIndex]);
}

/** Features and scores of a face under each perturbation, in one call. */
export async function scorePerturbations(
  target: ExplainTarget,
  face: PreparedFace,
  perturbations: readonly Perturbation[],
  runner?: DescriptorRunner,
): Promise<Float64Array> {
  return scoreRows(target, await perturbedFeatureRows(target, face, perturbations, runner));
}
