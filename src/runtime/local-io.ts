import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tfc from '@tensorflow/tfjs-core';

type Tf = typeof tfc;
interface ModelJson {
  modelTopology?: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: unknown;
  userDefinedMetadata?: Record<string, object>;
  modelInitializer?: unknown;
  weightsManifest: { paths: string[]; weights: tfc.io.WeightsManifestEntry[] }[];
}

/** Reads a tfjs graph model (model.json + weight shards) from disk into memory. */
export function readModelArtifacts(jsonPath: string): tfc.io.ModelArtifacts {
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelJson;
  const weightSpecs: tfc.io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) shards.push(readFileSync(join(dirname(jsonPath), p)));
  }
  const all = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology as tfc.io.ModelArtifacts['modelTopology'],
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature as tfc.io.ModelArtifacts['signature'],
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer as tfc.io.ModelArtifacts['modelInitializer'],
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

let registered = false;

/**
 * tfjs (without tfjs-node) has no loader for `file://` URLs and would try `fetch`. This router
 * answers every `file://` model URL from the local disk, so model loading never touches the network.
 */
export function registerLocalModelLoader(tf: Tf): void {
  if (registered) return;
  registered = true;
  const router = (url: string | string[]): tfc.io.IOHandler | null => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const path = url.startsWith('file:///') ? fileURLToPath(url) : url.slice('file://'.length);
    return { load: async () => readModelArtifacts(path) };
  };
  // tfjs' IORouter type omits the `null` that routers return for URLs they do not handle.
  tf.io.registerLoadRouter(router as Parameters<Tf['io']['registerLoadRouter']>[0]);
}
