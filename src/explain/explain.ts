/**
 * One call from a photo to its explanation: `createExplainer(options)` loads the bundle once and
 * returns `explain(photo)`, which runs region attribution, the occlusion heatmap, gradient saliency
 * and the sanity checks, and returns plain JSON-safe data plus what is needed to draw the figures.
 */
import { performance } from 'node:perf_hooks';
import { EndofaceError, type Reason } from '../core/index.js';
import {
  analyzeFace,
  resolveFaceConfig,
  type FaceAnalysis,
  type FaceConfig,
  type QualityStatus,
  type QualityVerdict,
} from '../face/index.js';
import { decodeImage, type DecodedImage } from '../image/index.js';
import {
  alignColumns,
  checkMissingFeatures,
  decisionRule,
  DISCLAIMER,
  loadBundle,
  type Bundle,
  type Matrix64,
  type MissingFeatureCheck,
  type Sex,
} from '../model/index.js';
import { modelVersions } from '../runtime/index.js';
import type { DeepPartial } from '../util/index.js';
import { lookUpOption } from '../util/index.js';
import type { AffineMatrix } from '../util/index.js';
import { SOFTWARE_VERSION } from '../core/index.js';
import {
  attributeRegions,
  regionMethodFor,
  type RegionAttribution,
  type RegionMethod,
  type RegionSettings,
} from './engine/attribution.js';
import { parseLayerReference, shippedLayerReference, type LayerReference } from './engine/layer-reference.js';
import { isOccludable, OCCLUSION_LAYERS } from './engine/feature-occlusion.js';
import { measureRegionBaseline, type BaselinePhoto } from './engine/measure-baseline.js';
import { unreadableLead } from './engine/lead.js';
import {
  assertBaselineFits,
  contrastToBaseline,
  type BaselineSettings,
  type RegionBaseline,
} from './engine/baseline.js';
import { createDescriptorRunner } from './engine/descriptor-runner.js';
import { occlusionMap, OCCLUSION_GRIDS, type OcclusionGrid, type OcclusionMap } from './engine/occlusion.js';
import {
  explainTarget,
  prepareFace,
  resolveFill,
  type ExplainTarget,
  type FillDetail,
  type PreparedFace,
} from './engine/perturb.js';
import { gradientSaliency, type SaliencyMap, type SaliencyUnavailable } from './engine/saliency.js';
import {
  deletionCurve,
  modelRandomisationTest,
  type DeletionCurve,
  type RandomisationTest,
} from './engine/sanity.js';

/** Settings of an explainer; every field but `model` has a default. */
export interface ExplainOptions {
  /** A bundle directory or a loaded bundle. */
  model: string | Bundle;
  /** The screen to explain (default: the bundle's first). */
  screen?: string;
  /** The class whose probability is explained (default: the screen's positive class, classes[1]). */
  className?: string;
  /** Occlusion grid: `coarse` 7 × 7 (default), `fine` 14 × 14, or `none`. */
  heatmap?: OcclusionGrid | 'none';
  /** Gradient saliency through the descriptor network (default true; ≈ 1.5 s). */
  saliency?: boolean;
  /** Model-randomisation test and deletion curve (default true; ≈ 2.5 s). */
  sanity?: boolean;
  /** Randomised screens in the randomisation test (default 10). */
  randomisationDraws?: number;
  /** Random orders in the deletion curve (default 1). */
  deletionRandomOrders?: number;
  /** Seed of every random choice (default 1). */
  seed?: number;
  /**
   * Worker threads for the descriptor network over perturbed crops (default 2: both cores of this
   * machine; 0 = this thread only). The explainer's `dispose()` stops them.
   */
  workers?: number;
  /** σ of the inpainting fill, crop pixels (default 5 % of the crop side). */
  fillSigmaPx?: number;
  /** Fine detail of the fill: the mean face's (default) or none (a smooth fill). */
  fillDetail?: FillDetail;
  /**
   * Quality statuses explained (default pass and warn, as `predict` scores them); a photo of
   * another status is refused with `quality_rejected` naming the reasons.
   */
  admit?: QualityStatus[];
  /**
   * Region importance on normal faces (`Explainer.measureBaseline`): regions are then ranked by
   * their contrast to it (baseline.ts), not by the raw masking effect.
   */
  baseline?: RegionBaseline;
  /**
   * How regions are hidden from the descriptor networks (attribution.ts): `pixel`, `feature`
   * (inside the network) or `combined` (both, averaged). Default: `combined` for a screen that reads
   * FaceRes (not isotonic-calibrated), else `pixel` (`regionMethodFor`).
   */
  regionMethod?: RegionMethod;
  /**
   * Normal faces' mean feature map for `feature`/`combined`. Default: the baseline's, when it has
   * one (a baseline always occludes towards the faces it was measured on), else the shipped map of
   * the public studio faces (layer-reference.ts).
   */
  layerReference?: LayerReference;
  face?: DeepPartial<FaceConfig>;
}

export type { BaselinePhoto } from './engine/measure-baseline.js';

/** What an explanation says about one photo. Plain data: `JSON.stringify` writes it unchanged. */
export interface PhotoExplanation {
  file?: string;
  sha256: string;
  disclaimer: string;
  screen: {
    name: string;
    classes: string[];
    explainedClass: string;
    featureSets: string[];
    threshold: number;
  };
  /** The explained class's calibrated probability. */
  score: number;
  /** The screen's decision at its threshold (binary screens); absent when it hinges on missing features. */
  decision?: string;
  /**
   * When some of the screen's features are missing on this photo (filled with training means): how
   * much the decision hinges on them. Not `stable`: neither the score nor its explanation is a finding.
   */
  missingFeatures?: MissingFeatureCheck;
  quality: QualityVerdict;
  regions: RegionAttribution;
  heatmap?: OcclusionMap;
  saliency?: SaliencyMap | SaliencyUnavailable;
  sanity?: { randomisation: RandomisationTest; deletion: DeletionCurve };
  /** The photo ↔ crop transforms (photo pixels of the original file). */
  alignment: { cropSize: number; photoToCrop: AffineMatrix; cropToPhoto: AffineMatrix };
  /** How parts of the face were hidden. */
  masking: {
    regionMethod: RegionMethod;
    fill: string;
    /** How feature occlusion hid the regions, when it did. */
    featureOcclusion?: string;
    fillSigmaPx: number;
    handCraftedFeatures: string;
  };
  versions: Record<string, string>;
  timings: Record<'analyzeMs' | 'regionsMs' | 'heatmapMs' | 'saliencyMs' | 'sanityMs' | 'totalMs', number>;
}

/** An explanation plus the face and photo it was computed on (not JSON: typed arrays), for figures. */
export interface ExplainResult {
  explanation: PhotoExplanation;
  face: PreparedFace;
  photo: DecodedImage;
}

/**
 * A photo already decoded and analysed (by a job that also scores it): explaining it then neither
 * decodes nor analyses it again.
 */
export interface AnalysedPhoto {
  photo: DecodedImage;
  analysis: FaceAnalysis;
}

/** A loaded explainer: call `explain` per photo; `dispose` stops its worker threads. */
export interface Explainer {
  readonly bundle: Bundle;
  readonly target: ExplainTarget;
  explain(
    input: string | Buffer | AnalysedPhoto,
    covariates?: { sex?: Sex; age?: number },
  ): Promise<ExplainResult>;
  /**
   * The region baseline of this screen over normal faces: each photo's region attribution (no
   * heatmap, saliency or checks), then the per-region median on the logit scale. Photos that cannot
   * be explained are returned in `failed` with their reason code. Pass the result as
   * `ExplainOptions.baseline` or to `useBaseline` (or save it: it is plain JSON).
   */
  measureBaseline(
    photos: readonly BaselinePhoto[],
    onProgress?: (done: number, total: number, file: string) => void,
  ): Promise<{ baseline: RegionBaseline; failed: (Reason & { file: string })[] }>;
  /**
   * Ranks regions by contrast to this baseline from now on (`undefined`: by importance again).
   *
   * @throws `invalid_option` for a baseline of another screen, class, bundle or fill, or an
   *   isotonic-calibrated screen
   */
  useBaseline(baseline: RegionBaseline | undefined): void;
  dispose(): Promise<void>;
}

const ms = (t0: number): number => performance.now() - t0;

/**
 * Contrast needs scores whose logit is the head's own: an isotonic calibration's steps (scores of
 * exactly 0 or 1) would turn masking effects into ±41 logits or 0.
 *
 * @throws `invalid_option` for an isotonic-calibrated screen
 */
function assertContrastable(target: ExplainTarget): void {
  if (target.pipeline.calibrator.method === 'isotonic')
    throw new EndofaceError(
      'invalid_option',
      `screen "${target.screen.name}" is calibrated by isotonic regression, whose stepped scores have no meaningful logit; contrast to normal faces needs a sigmoid-calibrated or uncalibrated screen`,
      { parameter: 'baseline', screen: target.screen.name },
    );
}

/**
 * Loads a bundle once and returns an explainer for one of its screens. Throws `file_not_found`,
 * `bundle_not_found`, `extractor_version_mismatch` (from loadBundle) or `invalid_option` for an unknown screen, class
 * or grid; `explain` throws `no_face`, `quality_rejected` (a status outside `admit`) or the image
 * stage's codes.
 *
 * @example
 *   const ex = await createExplainer({ model: 'bundles/cushing' });
 *   const { explanation } = await ex.explain('photo.jpg');
 *   explanation.regions.regions[0]; // { region: 'cheekLeft', importance: 0.21, rank: 1, … }
 */
export async function createExplainer(options: ExplainOptions): Promise<Explainer> {
  const bundle = typeof options.model === 'string' ? await loadBundle(options.model) : options.model;
  const target = explainTarget(bundle, options.screen, options.className);
  const heatmap = options.heatmap ?? 'coarse';
  if (heatmap !== 'none') lookUpOption('heatmap', heatmap, Object.keys(OCCLUSION_GRIDS) as OcclusionGrid[]);
  const faceConfig = resolveFaceConfig(options.face);
  const seed = options.seed ?? 1;
  const runner = createDescriptorRunner(options.workers ?? 2);
  const admit = options.admit ?? ['pass', 'warn'];
  // What a baseline must have been measured with to be used here (baseline.ts).
  const explained: BaselineSettings & { regionMethod: RegionMethod } = {
    screen: target.screen.name,
    explainedClass: target.screen.classes[target.classIndex],
    bundle: `${bundle.metadata.name}@${bundle.metadata.version}`,
    fill: resolveFill({ sigmaPx: options.fillSigmaPx, detail: options.fillDetail }, faceConfig.align.size),
    regionMethod: regionMethodFor(target, options.regionMethod),
  };
  const featureMethod = explained.regionMethod !== 'pixel';
  let baseline: RegionBaseline | undefined;
  let baselineReference: LayerReference | undefined;
  /**
   * How regions are hidden now: feature occlusion towards the baseline's map (both sides of the
   * contrast alike), else the caller's, else the shipped one (read only when first needed).
   */
  const regions = (): RegionSettings => ({
    method: explained.regionMethod,
    layerReference: featureMethod
      ? (baselineReference ?? options.layerReference ?? shippedLayerReference())
      : undefined,
  });
  const useBaseline = (b: RegionBaseline | undefined): void => {
    if (b !== undefined) {
      assertContrastable(target);
      assertBaselineFits(b, explained);
    }
    const fromBaseline =
      featureMethod && b?.layerReference
        ? parseLayerReference(b.layerReference, "the baseline's mean feature map")
        : undefined;
    if (fromBaseline && options.layerReference)
      throw new EndofaceError(
        'invalid_option',
        'a baseline measured by feature occlusion brings its own mean feature map; give the baseline or layerReference, not both',
        { parameter: 'layerReference' },
      );
    baseline = b;
    baselineReference = fromBaseline;
  };
  useBaseline(options.baseline);
  /** Decode, find the face (unless given), refuse a status outside `admit`, and prepare it for masking. */
  const prepare = async (input: string | Buffer | AnalysedPhoto, covariates: { sex?: Sex; age?: number }) => {
    const { photo, analysis } = isAnalysed(input) ? input : await analyse(input);
    if (analysis.faces.length > 0 && !admit.includes(analysis.quality.status)) {
      const reasons = analysis.quality.reasons.filter((r) => r.severity === analysis.quality.status);
      throw new EndofaceError(
        'quality_rejected',
        `quality ${analysis.quality.status}${reasons.length > 0 ? ` (${reasons.map((r) => `${r.code}: ${r.message}`).join('; ')})` : ''} is not among the statuses explained (${admit.join(', ')})`,
        { file: photo.source.path, quality: analysis.quality },
      );
    }
    const face = await prepareFace(bundle, target, analysis, {
      ...covariates,
      fill: { sigmaPx: options.fillSigmaPx, detail: options.fillDetail },
    });
    return { photo, analysis, face };
  };
  const analyse = async (input: string | Buffer): Promise<AnalysedPhoto> => {
    const photo = await decodeImage(input, faceConfig.image);
    if (typeof input === 'string') photo.source.path = input;
    return { photo, analysis: await analyzeFace(photo, faceConfig) };
  };
  return {
    bundle,
    target,
    dispose: () => runner.close(),
    useBaseline,
    async measureBaseline(photos, onProgress) {
      assertContrastable(target);
      const prepareNormal = async (p: BaselinePhoto) =>
        (await prepare(p.file, { sex: p.sex, age: p.age })).face;
      return measureRegionBaseline(
        { target, settings: explained, runner, prepare: prepareNormal },
        photos,
        onProgress,
      );
    },
    async explain(input, covariates = {}) {
      const t0 = performance.now();
      const { photo, analysis, face } = await prepare(input, covariates);
      const timings = {
        analyzeMs: ms(t0),
        regionsMs: 0,
        heatmapMs: 0,
        saliencyMs: 0,
        sanityMs: 0,
        totalMs: 0,
      };
      let t = performance.now();
      const masked = await attributeRegions(target, face, runner, regions());
      const { rows, rowSets } = masked;
      const ranked =
        baseline !== undefined
          ? contrastToBaseline(masked.attribution, baseline, explained)
          : masked.attribution;
      const missingFeatures = missingFeaturesOf(target, rows);
      // A score that hinges on missing features is a guess: its ranking is never decisive.
      const attribution =
        missingFeatures?.stable === false
          ? {
              ...ranked,
              lead: unreadableLead(
                ranked.lead,
                `the decision hinges on ${missingFeatures.missing.length} features missing from this photo`,
              ),
            }
          : ranked;
      timings.regionsMs = ms(t);
      const explanation: PhotoExplanation = {
        file: photo.source.path,
        sha256: photo.source.sha256,
        disclaimer: DISCLAIMER,
        screen: {
          name: target.screen.name,
          classes: target.screen.classes,
          explainedClass: target.screen.classes[target.classIndex],
          featureSets: target.screen.featureSets,
          threshold: target.screen.threshold.value,
        },
        score: attribution.score,
        decision:
          target.screen.classes.length === 2 && missingFeatures?.stable !== false
            ? // The screen's own rule, on the positive class's probability whichever class is explained.
              target.screen.classes[
                decisionRule(target.screen)(positiveAndNegative(target, attribution.score))
              ]
            : undefined,
        ...(missingFeatures ? { missingFeatures } : {}),
        quality: analysis.quality,
        regions: attribution,
        alignment: {
          cropSize: face.aligned.image.width,
          photoToCrop: face.aligned.photoToCrop,
          cropToPhoto: face.aligned.cropToPhoto,
        },
        masking: {
          regionMethod: explained.regionMethod,
          // Pixel masking's fill: every region under `pixel` and `combined`; under `feature`, the
          // networks without an occlusion layer, the colour layout, the heatmap and the deletion curve.
          fill: `${explained.regionMethod === 'feature' ? 'pixels (networks without an occlusion layer, colour layout, heatmap, deletion curve)' : 'descriptor input'}: normalized-convolution inpainting from the surrounding face pixels (grid cells: all surrounding pixels)${face.fill.detail ? " plus the mean face's fine detail" : ''}`,
          ...(attribution.layerReference
            ? {
                featureOcclusion: `regions of ${target.screen.featureSets.filter(isOccludable).join(', ')} occluded inside the network: their cells of the ${OCCLUSION_LAYERS.faceres.grid} × ${OCCLUSION_LAYERS.faceres.grid} feature map moved to the mean map of ${attribution.layerReference.source}${explained.regionMethod === 'combined' ? '; averaged with pixel masking on the logit scale (maskedScore: the score whose logit importance is the mean of the two)' : ''} (heatmap, saliency and deletion curve work on pixels)`,
              }
            : {}),
          fillSigmaPx: face.fill.sigmaPx!,
          handCraftedFeatures: `morphometrics and colour moved towards ${attribution.reference} by the hidden share of their regions`,
        },
        versions: {
          endoface: SOFTWARE_VERSION,
          ...modelVersions(),
          bundle: `${bundle.metadata.name}@${bundle.metadata.version}`,
        },
        timings,
      };
      if (heatmap !== 'none') {
        t = performance.now();
        explanation.heatmap = await occlusionMap(target, face, heatmap, runner);
        timings.heatmapMs = ms(t);
      }
      if (options.saliency ?? true) {
        t = performance.now();
        explanation.saliency = await gradientSaliency(target, face);
        timings.saliencyMs = ms(t);
      }
      if (options.sanity ?? true) {
        t = performance.now();
        explanation.sanity = {
          randomisation: modelRandomisationTest(target, face, attribution, rowSets, {
            draws: options.randomisationDraws,
            seed,
          }),
          deletion: await deletionCurve(target, face, attribution, {
            randomOrders: options.deletionRandomOrders,
            seed,
            runner,
          }),
        };
        timings.sanityMs = ms(t);
      }
      timings.totalMs = ms(t0);
      return { explanation, face, photo };
    },
  };
}

const isAnalysed = (input: string | Buffer | AnalysedPhoto): input is AnalysedPhoto =>
  typeof input === 'object' && !Buffer.isBuffer(input);

/** A binary screen's class probabilities [negative, positive] from the explained class's score. */
function positiveAndNegative(target: ExplainTarget, score: number): [number, number] {
  const positive = target.classIndex === 1 ? score : 1 - score;
  return [1 - positive, positive];
}

/** The missing-feature check of the unmasked face (the first of the attribution's rows). */
function missingFeaturesOf(target: ExplainTarget, rows: Matrix64): MissingFeatureCheck | undefined {
  const first = { rows: 1, cols: rows.cols, data: rows.data.subarray(0, rows.cols) };
  const row = alignColumns(first, target.columns, target.pipeline.columns).data;
  return checkMissingFeatures(target.pipeline, row, decisionRule(target.screen));
}
