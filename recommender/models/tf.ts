// TensorFlow.js for the dense work (k-means, matrix products and top-k of the neighbour search):
// the native backend when @tensorflow/tfjs-node is installed (optional: it downloads a binary at
// install time), else the WebAssembly backend, whose .wasm files ship in its npm package (XNNPACK
// with SIMD: ~7 G multiply-adds/s here, 40× the pure JavaScript cpu backend; Node gets no wasm
// threads), else the cpu backend.
import * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;
export type Tensor = tfjs.Tensor;

let loaded: Promise<{ tf: Tf; backend: string }> | undefined;

export function loadTf(): Promise<{ tf: Tf; backend: string }> {
  loaded ??= (async () => {
    try {
      const native = (await import(/* optional */ '@tensorflow/tfjs-node' as string)) as Tf;
      await native.ready();
      return { tf: native, backend: native.getBackend() };
    } catch {
      await import('@tensorflow/tfjs-backend-wasm');
      // The cpu backend greets Node users with a banner urging tfjs-node; docs/recommendations.md says it instead.
      const warn = console.warn;
      console.warn = () => {};
      try {
        if (!(await tfjs.setBackend('wasm').catch(() => false))) await tfjs.setBackend('cpu');
        tfjs.tensor([0]).dispose(); // the banner comes with the first tensor
      } finally {
        console.warn = warn;
      }
      return { tf: tfjs, backend: tfjs.getBackend() };
    }
  })();
  return loaded;
}
