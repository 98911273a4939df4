/**
 * The runtime every network runs in: the model registry (files inside node_modules, their versions),
 * tfjs on its WASM backend with a local-only model loader, worker-thread pools, shipped assets.
 * Nothing here reaches the network.
 */
export { ASSETS, assetUrl } from './assets.js';
export { readModelArtifacts, registerLocalModelLoader } from './local-io.js';
export {
  capWorkers,
  createWorkerPool,
  runPooled,
  siblingModule,
  type PooledOutcome,
  type WorkerPool,
  type WorkerReply,
} from './pool.js';
export {
  HUMAN_MODEL_FILES,
  HUMAN_MODELS_PACKAGE,
  HUMAN_PACKAGE,
  modelVersions,
  packageDir,
  packageVersion,
  paths,
  TFJS_WASM_PACKAGE,
  type HumanModelId,
} from './registry.js';
export { assertWasmBackend, initWasmBackend, tfCore, type Tf } from './tf.js';
export { serveTasks } from './worker-entry.js';
