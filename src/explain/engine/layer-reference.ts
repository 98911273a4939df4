/**
 * The reference feature occlusion moves a region to (feature-occlusion.ts): the mean feature map of
 * normal faces, per network. Measured on the normal photos of a `baseline` (and stored in its
 * baseline.json), or the one shipped beside this module, measured on the 140 public studio faces
 * (tools/build-layer-reference.ts; CC BY 4.0, recorded in its `source`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { EndofaceError } from '../../core/index.js';
import { ASSETS, assetUrl } from '../../runtime/index.js';
import { descriptorVersion } from '../../features/index.js';
import type { RgbImage } from '../../image/index.js';
import {
  isOccludable,
  layerActivations,
  OCCLUSION_LAYERS,
  type OccludableDescriptor,
} from './feature-occlusion.js';

export interface LayerReference {
  method: 'mean-layer-map';
  /** Where the normal faces came from, with their licence when they are public. */
  source: string;
  /** Normal faces averaged. */
  n: number;
  /** The licence of the faces' images, for a reference derived from public data. */
  licence?: string;
  /** Per network: the mean map at its occluded layer (OCCLUSION_LAYERS). */
  maps: Partial<Record<OccludableDescriptor, Float32Array>>;
}

/** A reference as JSON: maps as base64 little-endian float32, with their layer named. */
export interface SerializedLayerReference {
  method: 'mean-layer-map';
  source: string;
  n: number;
  licence?: string;
  /** `model`: the network's version (descriptorVersion) the map was measured with. */
  maps: Partial<Record<OccludableDescriptor, { node: string; model: string; float32: string }>>;
}

/** Sums feature maps crop by crop (no map kept), then gives their mean. */
export function createLayerAccumulator(ids: readonly OccludableDescriptor[]) {
  const sums = new Map<OccludableDescriptor, Float64Array>();
  let n = 0;
  return {
    async add(crop: RgbImage): Promise<void> {
      for (const id of ids) {
        const [map] = await layerActivations(id, [crop]);
        const sum = sums.get(id) ?? new Float64Array(map.length);
        for (let i = 0; i < map.length; i++) sum[i] += map[i];
        sums.set(id, sum);
      }
      n++;
    },
    get count(): number {
      return n;
    },
    result(source: string): LayerReference {
      if (n === 0) throw new EndofaceError('empty_dataset', 'a mean feature map needs at least one face', {});
      const maps: LayerReference['maps'] = {};
      for (const [id, sum] of sums) maps[id] = Float32Array.from(sum, (v) => v / n);
      return { method: 'mean-layer-map', source, n, maps };
    },
  };
}

/**
 * A mean map without one of its faces (`crop`): (n·mean − own) / (n − 1), so that a face of a
 * baseline is occluded towards the others, as any explained photo is. With n = 1 there are no others:
 * the map is returned as it is.
 */
export async function leaveOneOut(
  ref: LayerReference,
  ids: readonly OccludableDescriptor[],
  crop: RgbImage,
): Promise<LayerReference> {
  if (ref.n < 2) return ref;
  const maps: LayerReference['maps'] = { ...ref.maps };
  for (const id of ids) {
    const [own] = await layerActivations(id, [crop]);
    const mean = ref.maps[id]!;
    maps[id] = Float32Array.from(mean, (v, i) => (ref.n * v - own[i]) / (ref.n - 1));
  }
  return { ...ref, n: ref.n - 1, maps };
}

export function serializeLayerReference(ref: LayerReference): SerializedLayerReference {
  const maps: SerializedLayerReference['maps'] = {};
  for (const [id, map] of Object.entries(ref.maps) as [OccludableDescriptor, Float32Array][])
    maps[id] = {
      node: OCCLUSION_LAYERS[id].node,
      model: descriptorVersion(id),
      float32: Buffer.from(map.buffer, map.byteOffset, map.byteLength).toString('base64'),
    };
  return {
    method: ref.method,
    source: ref.source,
    n: ref.n,
    ...(ref.licence ? { licence: ref.licence } : {}),
    maps,
  };
}

/**
 * Reads a serialized reference (it may come from a file), checking every map's layer and size.
 *
 * @throws `invalid_option` naming what is wrong
 */
export function parseLayerReference(value: unknown, what = 'layer reference'): LayerReference {
  const bad = (why: string): never => {
    throw new EndofaceError('invalid_option', `${what}: ${why}`, { parameter: 'layerReference' });
  };
  const v = value as Partial<SerializedLayerReference> | null;
  if (v === null || typeof v !== 'object' || v.method !== 'mean-layer-map')
    bad('not a mean feature map (method "mean-layer-map")');
  if (!Number.isSafeInteger(v!.n) || v!.n! < 1) bad('n must be a whole number ≥ 1');
  if (typeof v!.source !== 'string') bad('source must be text');
  const maps: LayerReference['maps'] = {};
  for (const [id, m] of Object.entries(v!.maps ?? {})) {
    if (!isOccludable(id)) bad(`no occlusion layer for network "${id}"`);
    const { node, grid, channels } = OCCLUSION_LAYERS[id as OccludableDescriptor];
    if (m?.node !== node) bad(`${id}'s map is of layer ${m?.node}, not ${node}`);
    // A map measured with another version of the network describes other features.
    if (m!.model !== descriptorVersion(id as OccludableDescriptor))
      bad(
        `${id}'s map was measured with ${m!.model}, not ${descriptorVersion(id as OccludableDescriptor)}; measure it again`,
      );
    const bytes = Buffer.from(m!.float32 ?? '', 'base64');
    if (bytes.length !== grid * grid * channels * 4)
      bad(
        `${id}'s map has ${bytes.length} bytes, not ${grid * grid * channels * 4} (${grid * grid * channels} float32 values)`,
      );
    const map = new Float32Array(new Uint8Array(bytes).buffer);
    if (!map.every(Number.isFinite)) bad(`${id}'s map has values that are not finite`);
    maps[id as OccludableDescriptor] = map;
  }
  const licence = typeof v!.licence === 'string' ? { licence: v!.licence } : {};
  return { method: 'mean-layer-map', source: v!.source!, n: v!.n!, ...licence, maps };
}

/** The shipped reference's file (beside this module in src/ and dist/). */
export const SHIPPED_LAYER_REFERENCE = assetUrl(ASSETS.layerReference);

let shipped: LayerReference | undefined;
/**
 * The shipped reference: the mean maps of the public studio faces.
 *
 * @throws `model_not_found` when the file is missing (a build that did not copy it)
 */
export function shippedLayerReference(): LayerReference {
  if (shipped) return shipped;
  if (!existsSync(SHIPPED_LAYER_REFERENCE))
    throw new EndofaceError(
      'model_not_found',
      `the shipped mean feature map is missing (${SHIPPED_LAYER_REFERENCE.pathname}); reinstall endoface, or give normal photos with \`baseline\``,
      {},
    );
  shipped = parseLayerReference(
    JSON.parse(readFileSync(SHIPPED_LAYER_REFERENCE, 'utf8')),
    'the shipped mean feature map',
  );
  return shipped;
}

/**
 * The reference's map for a network.
 *
 * @throws `invalid_option` when the reference has none for it
 */
export function referenceMap(ref: LayerReference, id: OccludableDescriptor): Float32Array {
  const map = ref.maps[id];
  if (!map)
    throw new EndofaceError(
      'invalid_option',
      `the mean feature map (${ref.source}) has no map for ${id}; measure it again on normal photos`,
      { parameter: 'layerReference', set: id },
    );
  return map;
}
