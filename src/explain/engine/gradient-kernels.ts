/**
 * Makes input gradients through the descriptor networks possible on the tfjs WASM backend.
 *
 * tfjs registers gradient functions only when its full bundle is imported; endoface loads the core
 * alone, so they are registered here (`register_all_gradients`). And the WASM backend lacks three
 * backward kernels (DESIGN.md §5): Conv2DBackpropFilter and the depthwise convolution's backprop of
 * filter and input. Each is delegated to the pure-JS CPU backend's kernel: inputs are copied out of
 * WASM memory, the CPU kernel runs, and its output is copied back as a WASM tensor. Input gradients
 * only need the depthwise backprop-input kernel (filters are constants, so the tape never asks for
 * their gradient); the filter kernels are shimmed too so a future weight gradient does not fail.
 */
import { createRequire } from 'node:module';
import type * as tfc from '@tensorflow/tfjs-core';
import { initWasmBackend } from '../../runtime/index.js';

const require = createRequire(import.meta.url);

/** Backward kernels the WASM backend does not implement. */
export const DELEGATED_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: tfc.DataType;
}
interface BackendLike {
  readSync(dataId: object): tfc.backend_util.BackendValues;
  write(values: tfc.backend_util.BackendValues, shape: number[], dtype: tfc.DataType): object;
  disposeData(dataId: object): boolean;
  makeOutput(
    shape: number[],
    dtype: tfc.DataType,
    offset?: number,
    values?: tfc.backend_util.BackendValues,
  ): TensorInfoLike;
}

let ready: Promise<typeof tfc> | undefined;

/** Registers the gradient functions and the delegated kernels, once per process; returns tfjs. */
export function enableGradients(): Promise<typeof tfc> {
  ready ??= (async () => {
    const tf = (await initWasmBackend()) as typeof tfc;
    require('@tensorflow/tfjs-core/dist/register_all_gradients');
    const { MathBackendCPU } = require('@tensorflow/tfjs-backend-cpu') as {
      MathBackendCPU: new () => BackendLike;
    };
    const cpu = new MathBackendCPU();
    for (const kernelName of DELEGATED_KERNELS) {
      if (tf.getKernel(kernelName, 'wasm')) continue;
      const cpuKernel = tf.getKernel(kernelName, 'cpu');
      if (!cpuKernel) continue;
      tf.registerKernel({
        kernelName,
        backendName: 'wasm',
        kernelFunc: ({ inputs, attrs, backend }) => {
          const wasm = backend as unknown as BackendLike;
          const copied: Record<string, TensorInfoLike> = {};
          for (const [name, t] of Object.entries(inputs) as [string, TensorInfoLike][]) {
            copied[name] = {
              dataId: cpu.write(wasm.readSync(t.dataId), t.shape, t.dtype),
              shape: t.shape,
              dtype: t.dtype,
            };
          }
          const out = cpuKernel.kernelFunc({
            inputs: copied as unknown as tfc.NamedTensorInfoMap,
            attrs,
            backend: cpu as unknown as tfc.KernelBackend,
          }) as TensorInfoLike;
          const values = cpu.readSync(out.dataId);
          for (const t of Object.values(copied)) cpu.disposeData(t.dataId);
          cpu.disposeData(out.dataId);
          return wasm.makeOutput(out.shape, out.dtype, undefined, values) as unknown as tfc.TensorInfo;
        },
      });
    }
    return tf;
  })();
  ready.catch(() => (ready = undefined));
  return ready;
}
