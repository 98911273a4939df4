import { createRequire } from 'node:module';
import type * as tfc from '@tensorflow/tfjs-core';
import { EndofaceError } from '../core/index.js';
import { registerLocalModelLoader } from './local-io.js';
import { paths } from './registry.js';

const require = createRequire(import.meta.url);

export type Tf = typeof tfc;

/**
 * The one tfjs instance of the process. Loaded through `require` so that it is the very same
 * module instance the node-wasm build of human uses (it requires @tensorflow/tfjs-core itself).
 */
export function tfCore(): Tf {
  const tf = require('@tensorflow/tfjs-core') as Tf;
  require('@tensorflow/tfjs-backend-wasm');
  registerLocalModelLoader(tf);
  return tf;
}

let ready: Promise<Tf> | undefined;

/**
 * Initialises the tfjs WASM backend from the .wasm files in node_modules, once per process, and
 * asserts that it is active: tfjs otherwise falls back silently to its pure-JS CPU backend (~20× slower).
 */
export function initWasmBackend(): Promise<Tf> {
  ready ??= (async () => {
    const tf = tfCore();
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void };
    wasm.setWasmPaths(paths.tfjsWasm());
    await tf.setBackend('wasm');
    await tf.ready();
    assertWasmBackend(tf);
    return tf;
  })();
  return ready;
}

export function assertWasmBackend(tf: Tf): void {
  if (tf.getBackend() !== 'wasm') {
    throw new EndofaceError(
      'backend_unavailable',
      `tfjs backend is "${tf.getBackend()}", expected "wasm"; check that @tensorflow/tfjs-backend-wasm is installed`,
    );
  }
}
