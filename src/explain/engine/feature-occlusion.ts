/**
 * Region occlusion inside the descriptor network instead of on the pixels. Pixel masking paints a
 * region over (fill.ts) and runs the whole network again; the network then reacts to the fill as
 * well as to the region's absence, on every face. Here the photo goes through the network once up
 * to an intermediate feature map (FaceRes's 14 × 14 × 512 layer, 16 network-input pixels a cell),
 * each region's cells are moved to the mean map of normal faces (in proportion to the share of the
 * cell's pixels that belong to the region), and only the rest of the network runs again. No fill,
 * no inpainting: the region is replaced by what normal faces have there, in the network's own terms
 * — the reference-population idea of DeepLIFT and expected gradients, applied at a layer where
 * features still have a place (as Grad-CAM reads them).
 *
 * `endoface explain --region-method feature|combined` uses it (attribution.ts); the pointing-game
 * experiment (research/feature-occlusion/experiment-feature-occlusion.ts) compares it with pixel masking.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { EndofaceError } from '../../core/index.js';
import { REGION_NAMES } from '../../face/index.js';
import {
  descriptorInput,
  loadDescriptorModel,
  DESCRIPTOR_MODELS,
  type DescriptorId,
} from '../../features/index.js';
import type { RgbImage } from '../../image/index.js';

const require = createRequire(import.meta.url);

/** A feature map inside a descriptor network: its node, grid side and channels (224-px input). */
export interface OcclusionLayer {
  node: string;
  grid: number;
  channels: number;
}

/** FaceRes's last 14 × 14 map (both FaceRes variants share the MobileNet layout). */
const FACERES_LAYER: OcclusionLayer = { node: 'conv_pw_11_relu/clip_by_value', grid: 14, channels: 512 };

/** The feature map occluded by default, per network. faceres-lower's grid covers its box of the crop. */
export const OCCLUSION_LAYERS = {
  faceres: FACERES_LAYER,
  'faceres-deep': FACERES_LAYER,
  'faceres-lower': FACERES_LAYER,
} as const satisfies Partial<Record<DescriptorId, OcclusionLayer>>;
export type OccludableDescriptor = keyof typeof OCCLUSION_LAYERS;
export const OCCLUDABLE_DESCRIPTORS = Object.keys(OCCLUSION_LAYERS) as OccludableDescriptor[];

export const isOccludable = (set: string): set is OccludableDescriptor =>
  (OCCLUDABLE_DESCRIPTORS as string[]).includes(set);

/** The occluded layer of a network; refuses one without (a caller outside TypeScript's checks). */
function layerOf(id: string): OcclusionLayer {
  if (!isOccludable(id))
    throw new EndofaceError(
      'unsupported_feature_set',
      `feature occlusion is defined for ${OCCLUDABLE_DESCRIPTORS.join(', ')}, not ${id}`,
      { set: id },
    );
  return OCCLUSION_LAYERS[id];
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
 * The crop's region labels inside the part the network sees: its box (faceres-lower: the lower
 * face, cut exactly as `prepareDescriptorInput` cuts it) or the whole crop.
 */
export function networkLabels(
  id: DescriptorId,
  labels: Int8Array,
  width: number,
  height: number,
): { labels: Int8Array; width: number; height: number } {
  const box = (DESCRIPTOR_MODELS[id] as { box?: readonly number[] }).box;
  if (!box) return { labels, width, height };
  const [top, left] = [Math.round(box[0] * height), Math.round(box[1] * width)];
  const [bottom, right] = [Math.round(box[2] * height), Math.round(box[3] * width)];
  const out = new Int8Array((bottom - top) * (right - left));
  for (let y = top; y < bottom; y++)
    out.set(labels.subarray(y * width + left, y * width + right), (y - top) * (right - left));
  return { labels: out, width: right - left, height: bottom - top };
}

/**
 * The share of each cell's pixels that belong to each region (REGION_NAMES order, then cells),
 * from a region label map (−1: no region) covering what the network sees.
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
      for (let r = 0; r < R; r++) shares[r * grid * grid + cell] /= n || 1;
    }
  }
  return shares;
}

/**
 * The descriptor with each group of regions (indices into REGION_NAMES) occluded in turn: the
 * group's cells moved towards `reference` by the share of their pixels in the group, the rest of
 * the network run on the result. A group with no cells gives the unoccluded descriptor.
 */
export async function occludedGroupDescriptors(
  id: OccludableDescriptor,
  activation: Float32Array,
  shares: Float32Array,
  reference: Float32Array,
  groups: readonly (readonly number[])[],
): Promise<Float32Array[]> {
  const { grid, channels } = layerOf(id);
  const cells = grid * grid;
  const n = cells * channels;
  if (activation.length !== n || reference.length !== n)
    throw new EndofaceError('invalid_input', `feature maps of ${id} have ${n} values`, {
      activation: activation.length,
      reference: reference.length,
    });
  const batch = new Float32Array(groups.length * n);
  groups.forEach((group, g) => {
    for (let c = 0; c < cells; c++) {
      // Regions never overlap in the label map, so a group's share is the sum of its regions'.
      const s = Math.min(
        1,
        group.reduce((sum, r) => sum + shares[r * cells + c], 0),
      );
      for (let k = 0; k < channels; k++) {
        const i = c * channels + k;
        batch[g * n + i] = activation[i] + s * (reference[i] - activation[i]);
      }
    }
  });
  return descriptorsFromLayer(id, batch, groups.length);
}

/** The descriptor with each region occluded in turn (REGION_NAMES order). */
export function occludedDescriptors(
  id: OccludableDescriptor,
  activation: Float32Array,
  shares: Float32Array,
  reference: Float32Array,
): Promise<Float32Array[]> {
  return occludedGroupDescriptors(
    id,
    activation,
    shares,
    reference,
    REGION_NAMES.map((_, r) => [r]),
  );
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

/**
 * Occluded descriptors of one aligned crop for groups of regions: the crop's map at the network's
 * layer, each group's cells moved to `reference`, the network finished. The caller's first row is
 * the crop's own descriptor (computed as extraction computes it), so it is not recomputed here.
 */
export async function cropGroupDescriptors(
  id: OccludableDescriptor,
  crop: RgbImage,
  labels: Int8Array,
  reference: Float32Array,
  groups: readonly (readonly number[])[],
): Promise<Float32Array[]> {
  const [map] = await layerActivations(id, [crop]);
  const seen = networkLabels(id, labels, crop.width, crop.height);
  const shares = cellShares(seen.labels, seen.width, seen.height, OCCLUSION_LAYERS[id].grid);
  return occludedGroupDescriptors(id, map, shares, reference, groups);
}
