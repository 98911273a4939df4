/**
 * Gradient saliency (Simonyan, Vedaldi & Zisserman, "Deep inside convolutional networks", ICLR
 * workshop 2014): the magnitude of the score's gradient with respect to each pixel of the aligned
 * crop, through the descriptor network(s) the screen uses. The screen's head (standardiser,
 * estimator, calibrator) is differentiated numerically with respect to the descriptor (central
 * differences, one batch of 2·d rows), and that direction is back-propagated through the network
 * with tfjs (`gradient-kernels.ts` supplies what the WASM backend lacks). Pixel features other than
 * the descriptor (skin colour) and the mesh features are held fixed: the map shows where the
 * *network* looks, which is why it complements, not replaces, the occlusion map.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { ReasonSubset } from '../../core/index.js';
import { REGION_NAMES, type RegionName } from '../../face/index.js';
import {
  DESCRIPTOR_IDS,
  DESCRIPTOR_MODELS,
  loadDescriptorModel,
  type DescriptorId,
} from '../../features/index.js';
// The graph runner is not re-exported by the features stage; it is the one piece shared with it.
import { prepareDescriptorInput, runDescriptorGraph } from '../../features/index.js';
import { enableGradients } from './gradient-kernels.js';
import type { CropGrid } from './occlusion.js';
import { perturbedFeatureRows, scoreRows, type ExplainTarget, type PreparedFace } from './perturb.js';

/** The result of {@link gradientSaliency}. */
export interface SaliencyMap extends CropGrid {
  method: 'gradient';
  available: true;
  /** The descriptor networks differentiated. */
  descriptors: DescriptorId[];
  /**
   * Max-over-channels |∂score/∂pixel| (pixel values 0–255), mean-pooled to the grid, divided by
   * `scale` (so 1 = the 99th percentile; a few values exceed 1).
   */
  values: number[];
  /** The 99th percentile of the pooled values before normalisation (score units per grey level). */
  scale: number;
  /** Share of the total saliency (0–1) that falls in each region. */
  regionShare: Record<RegionName, number>;
}

/** Why no saliency map was made. */
export interface SaliencyUnavailable {
  method: 'gradient';
  available: false;
  reason: ReasonSubset<'no_descriptor_features'>;
  message: string;
}

export interface SaliencyOptions {
  /** Side of the pooled map (default 56: 4 × 4 crop pixels per value on a 224-px crop). */
  resolution?: number;
}

/** ∂score/∂descriptor of the head at the face's own features, by central differences. */
function headGradient(target: ExplainTarget, base: Float64Array, set: DescriptorId): Float32Array {
  const start = target.columns.indexOf(`${set}.0`);
  const dims = DESCRIPTOR_MODELS[set].dims;
  const cols = target.columns.length;
  const data = new Float64Array(2 * dims * cols);
  const steps = new Float64Array(dims);
  for (let j = 0; j < dims; j++) {
    steps[j] = 1e-3 * target.pipeline.standardizer.scale[start + j];
    for (let s = 0; s < 2; s++) {
      const row = 2 * j + s;
      data.set(base, row * cols);
      data[row * cols + start + j] += s === 0 ? steps[j] : -steps[j];
    }
  }
  const scores = scoreRows(target, { data, rows: 2 * dims, cols });
  return Float32Array.from(steps, (h, j) => (scores[2 * j] - scores[2 * j + 1]) / (2 * h));
}

/**
 * Gradient saliency of the explained score with respect to the crop's pixels, through every
 * descriptor network in the screen's feature sets (summed). About 1.5 s per network on this machine.
 *
 * @returns the pooled map, or `available: false` when the screen uses no descriptor
 */
export async function gradientSaliency(
  target: ExplainTarget,
  face: PreparedFace,
  options: SaliencyOptions = {},
): Promise<SaliencyMap | SaliencyUnavailable> {
  const sets = target.screen.featureSets.filter((s): s is DescriptorId =>
    (DESCRIPTOR_IDS as string[]).includes(s),
  );
  if (sets.length === 0) {
    return {
      method: 'gradient',
      available: false,
      reason: 'no_descriptor_features',
      message: `screen ${target.screen.name} uses no descriptor network (${target.screen.featureSets.join(', ')}); see the occlusion map`,
    };
  }
  const tf = await enableGradients();
  const { image } = face.aligned;
  const size = image.width;
  const base = (await perturbedFeatureRows(target, face, [null])).data;
  const pixelGrad = new Float32Array(size * size * 3);
  for (const set of sets) {
    const direction = headGradient(target, base, set);
    const model = await loadDescriptorModel(set);
    const grad = tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(image.data), [1, size, size, 3]);
      const v = tf.tensor1d(direction);
      const f = (input: tfc.Tensor): tfc.Scalar => {
        const desc = runDescriptorGraph(model, set, prepareDescriptorInput(tf, set, input as tfc.Tensor4D));
        return tf.sum(tf.mul(desc, v));
      };
      return tf.grad(f)(x);
    });
    const g = (await grad.data()) as Float32Array;
    grad.dispose();
    for (let i = 0; i < g.length; i++) pixelGrad[i] += g[i];
  }
  return poolSaliency(face, pixelGrad, sets, options.resolution ?? 56);
}

/** Max-over-channels magnitude, mean-pooled to a res × res grid, with each region's share. */
function poolSaliency(
  face: PreparedFace,
  pixelGrad: Float32Array,
  descriptors: DescriptorId[],
  res: number,
): SaliencyMap {
  const size = face.aligned.image.width;
  const pooled = new Float64Array(res * res);
  const counts = new Float64Array(res * res);
  const byRegion = new Float64Array(REGION_NAMES.length);
  let total = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const m = Math.max(
        Math.abs(pixelGrad[3 * i]),
        Math.abs(pixelGrad[3 * i + 1]),
        Math.abs(pixelGrad[3 * i + 2]),
      );
      const k = Math.floor((y * res) / size) * res + Math.floor((x * res) / size);
      pooled[k] += m;
      counts[k]++;
      total += m;
      if (face.labels[i] >= 0) byRegion[face.labels[i]] += m;
    }
  }
  for (let k = 0; k < pooled.length; k++) pooled[k] /= Math.max(1, counts[k]);
  // Gradients are spiky: the 99th percentile, not the maximum, sets the full-colour value.
  const sorted = Float64Array.from(pooled).sort();
  const scale = sorted[Math.floor(0.99 * (sorted.length - 1))] || 1;
  return {
    method: 'gradient',
    available: true,
    descriptors,
    rows: res,
    cols: res,
    cropSize: size,
    values: Array.from(pooled, (v) => v / scale),
    scale,
    regionShare: Object.fromEntries(
      REGION_NAMES.map((r, j) => [r, total > 0 ? byRegion[j] / total : 0]),
    ) as Record<RegionName, number>,
  };
}
