// Worker threads for the CPU-bound stages of training (item2vec, the customers' next-basket lists):
// each worker is sent a share of the work over tables in shared memory, reports progress as it
// goes and answers with its result. Node gives WebAssembly no threads, so these are how training
// uses more than one core.
import { parentPort, Worker } from 'node:worker_threads';

type Shareable = Float32Array | Float64Array | Int32Array | Uint16Array | Uint32Array;

/** A copy in shared memory: every worker reads it without a copy of its own. */
export const shared = <T extends Shareable>(a: T): T => {
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
};

/** A zeroed array of `length` in shared memory. */
export const sharedArray = <T extends Shareable>(
  type: new (b: SharedArrayBuffer) => T,
  bytesPerElement: number,
  length: number,
): T => new type(new SharedArrayBuffer(bytesPerElement * length));

/**
 * Workers running `module`, a sibling of `caller` named without extension. Under tsx (development,
 * tests) each registers the same TypeScript loader first: Node 20 does not apply the parent's
 * --import hooks to a worker's entry module.
 */
export function startWorkers(caller: string, module: string, count: number): Worker[] {
  const source = caller.endsWith('.ts');
  const entry = new URL(`./${module}${source ? '.ts' : '.js'}`, caller);
  return Array.from({ length: count }, () =>
    source
      ? new Worker(
          `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); })`,
          { eval: true },
        )
      : new Worker(entry),
  );
}

interface ShareMessage<R> {
  progress?: number;
  result?: R;
}

/** Sends share w to worker w and resolves with their results; progress counts go to `onProgress`. */
export function runShares<S, R>(workers: Worker[], shares: S[], onProgress: (n: number) => void): Promise<R[]> {
  return Promise.all(
    shares.map(
      (share, w) =>
        new Promise<R>((resolve, reject) => {
          const worker = workers[w]!;
          const onMessage = (m: ShareMessage<R>) => {
            if (m.progress !== undefined) onProgress(m.progress);
            if (m.result !== undefined) {
              worker.off('message', onMessage).off('error', reject);
              resolve(m.result);
            }
          };
          worker.on('message', onMessage).once('error', reject);
          worker.postMessage(share);
        }),
    ),
  );
}

/** The worker's side: answers every share it is sent with `work`'s result, passing on its progress. */
export function serveShares<S, R>(work: (share: S, progress: (n: number) => void) => R): void {
  parentPort!.on('message', (share: S) => {
    const result = work(share, (n) => parentPort!.postMessage({ progress: n } satisfies ShareMessage<R>));
    parentPort!.postMessage({ result } satisfies ShareMessage<R>);
  });
}
