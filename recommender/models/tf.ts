// TensorFlow.js with the native backend when @tensorflow/tfjs-node is installed (optional: it
// downloads a binary at install time), else the pure JavaScript CPU backend.
import * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;
export type Tensor = tfjs.Tensor;
export type Variable = tfjs.Variable;

let loaded: Promise<{ tf: Tf; backend: string }> | undefined;

export function loadTf(): Promise<{ tf: Tf; backend: string }> {
  loaded ??= (async () => {
    try {
      const native = (await import(/* optional */ '@tensorflow/tfjs-node' as string)) as Tf;
      await native.ready();
      return { tf: native, backend: native.getBackend() };
    } catch {
      // The CPU backend greets Node users with a banner urging tfjs-node; the README says it instead.
      const warn = console.warn;
      console.warn = () => {};
      try {
        await tfjs.setBackend('cpu');
        tfjs.tensor([0]).dispose(); // the banner comes with the first tensor
      } finally {
        console.warn = warn;
      }
      return { tf: tfjs, backend: tfjs.getBackend() };
    }
  })();
  return loaded;
}
