/**
 * Region occlusion inside the descriptor network instead of on the pixels. Pixel masking paints a
 * region over (fill.ts) and runs the whole network again; the network then reacts to the fill as
 * well as to the region's absence, on every face. Here the photo goes through the network once up
 * to an intermediate feature map (FaceRes's 14 × 14 × 512 layer, 16 crop pixels a cell), each
 * region's cells are moved to the mean map of normal faces (in proportion to the share of the
 * cell's pixels that belong to the region), and only the rest of the network runs again. No fill,
 * no inpainting: the region is replaced by what normal faces have there, in the network's own terms
 * — the reference-population idea of DeepLIFT and expected gradients, applied at a layer where
 * features still have a place (as Grad-CAM reads them).
 *
 * A building block for now: the pointing-game experiment (scripts/experiment-feature-occlusion.ts)
 * compares it with pixel masking; `endoface explain` still masks pixels.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { EndofaceError } from '../errors.js';
import { REGION_NAMES } from '../face/regions.js';
import { descriptorInput, loadDescriptorModel, DESCRIPTOR_MODELS } from '../features/descriptors.js';
import type { RgbImage } from '../image/index.js';

const require = createRequire(import.meta.url);

/** The feature map occluded, per network: node, grid side, channels (224-px input). */
export const OCCLUSION_LAYERS = {
  faceres: { node: 'conv_pw_11_relu/clip_by_value', grid: 14, channels: 512 },
} as const;
export type OccludableDescriptor = keyof typeof OCCLUSION_LAYERS;

function layerOf(id: string): (typeof OCCLUSION_LAYERS)[OccludableDescriptor] {
  const layer = (OCCLUSION_LAYERS as Record<string, (typeof OCCLUSION_LAYERS)[OccludableDescriptor]>)[id];
  if (!layer)
    throw new EndofaceError(
      'unsupported_feature_set',
      `feature occlusion is defined for ${Object.keys(OCCLUSION_LAYERS).join(', ')}, not ${id}`,
      { set: id },
    );
  return layer;
}

/** The feature map of each crop at the occluded layer, flattened (cell-major, then channel). */
export async function layerActivations(
  id: OccludableDescriptor,
  crops: readonly RgbImage[],
): Promise<Float32Array[]> {
  const { node, grid, channels } = layerOf(id);
  const model = await loadDescriptorModel(id);
  const tf = require('@tensorflow/tfjs-core') as typeof tfc;
  const input = descriptorInput(tf, id, crops);
  const out = model.execute(input, node) as tfc.Tensor;
  const data = (await out.data()) as Float32Array;
  input.dispose();
  out.dispose();
  const n = grid * grid * channels;
  return crops.map((_, i) => data.slice(i * n, (i + 1) * n));
}

/** The element-wise mean of feature maps (the normal faces' map: the occlusion's reference). */
export function meanActivation(maps: readonly Float32Array[]): Float32Array {
  if (maps.length === 0)
    throw new EndofaceError('empty_dataset', 'a mean feature map needs at least one face', {});
  const mean = new Float32Array(maps[0].length);
  for (const m of maps) for (let i = 0; i < mean.length; i++) mean[i] += m[i];
  for (let i = 0; i < mean.length; i++) mean[i] /= maps.length;
  return mean;
}

/**
 * The share of each cell's crop pixels that belong to each region (REGION_NAMES order, then cells),
 * from the crop's region label map (−1: no region). The network sees the whole crop (faceres).
 */
export function cellShares(labels: Int8Array, width: number, height: number, grid: number): Float32Array {
  const R = REGION_NAMES.length;
  const shares = new Float32Array(R * grid * grid);
  for (let cy = 0; cy < grid; cy++) {
    const [y0, y1] = [Math.floor((cy * height) / grid), Math.floor(((cy + 1) * height) / grid)];
    for (let cx = 0; cx < grid; cx++) {
      const [x0, x1] = [Math.floor((cx * width) / grid), Math.floor(((cx + 1) * width) / grid)];
      const cell = cy * grid + cx;
      for (let y = y0; y < y1; y++)
        for (let x = x0; x < x1; x++) {
          const l = labels[y * width + x];
          if (l >= 0) shares[l * grid * grid + cell]++;
        }
      const n = (y1 - y0) * (x1 - x0);
      for (let r = 0; r < R; r++) shares[r * grid * grid + cell] /= n;
    }
  }
  return shares;
}

/**
 * The descriptor with each region occluded in turn (REGION_NAMES order): the region's cells moved
 * towards `reference` by their region share, the rest of the network run on the result. A region
 * with no cells gives the unoccluded descriptor.
 */
export async function occludedDescriptors(
  id: OccludableDescriptor,
  activation: Float32Array,
  shares: Float32Array,
  reference: Float32Array,
): Promise<Float32Array[]> {
  const { grid, channels } = layerOf(id);
  const n = grid * grid * channels;
  if (activation.length !== n || reference.length !== n)
    throw new EndofaceError('invalid_input', `feature maps of ${id} have ${n} values`, {
      activation: activation.length,
      reference: reference.length,
    });
  const R = REGION_NAMES.length;
  const batch = new Float32Array(R * n);
  for (let r = 0; r < R; r++)
    for (let c = 0; c < grid * grid; c++) {
      const s = shares[r * grid * grid + c];
      for (let k = 0; k < channels; k++) {
        const i = c * channels + k;
        batch[r * n + i] = activation[i] + s * (reference[i] - activation[i]);
      }
    }
  return descriptorsFromLayer(id, batch, R);
}

/** The rest of the network from the occluded layer: `count` maps in, `count` descriptors out. */
export async function descriptorsFromLayer(
  id: OccludableDescriptor,
  maps: Float32Array,
  count: number,
): Promise<Float32Array[]> {
  const { node, grid, channels } = layerOf(id);
  const { output, dims } = DESCRIPTOR_MODELS[id];
  const model = await loadDescriptorModel(id);
  const tf = require('@tensorflow/tfjs-core') as typeof tfc;
  const input = tf.tensor4d(maps, [count, grid, grid, channels]);
  const out = model.execute({ [node]: input }, output) as tfc.Tensor;
  const data = (await out.data()) as Float32Array;
  input.dispose();
  out.dispose();
  return Array.from({ length: count }, (_, i) => data.slice(i * dims, (i + 1) * dims));
}
