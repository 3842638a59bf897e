// Compiles suggestion sets on a worker thread: a million phrases take seconds of CPU (sorting,
// splitting into words), which on the serving thread would stall every request. The worker is
// started on first use, held only while it has work (it never keeps the process alive), and its
// arrays come back transferred, not copied.
import { Worker } from 'node:worker_threads';
import type { CompiledSuggestions, SuggestionColumns } from './compile.ts';

export interface SuggestionCompiler {
  compile(columns: SuggestionColumns): Promise<CompiledSuggestions>;
  stop(): Promise<void>;
}

type Reply = { id: number; compiled: CompiledSuggestions } | { id: number; error: string };

export function workerCompiler(): SuggestionCompiler {
  let worker: Worker | undefined;
  let next = 0;
  const pending = new Map<number, { resolve: (c: CompiledSuggestions) => void; reject: (e: Error) => void }>();
  const fail = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = undefined;
  };
  const start = () => {
    const fromSource = import.meta.url.endsWith('.ts');
    // Under dist/ the worker is plain JavaScript; from source it goes through tsx, which a worker
    // does not inherit, so a small bootstrap registers it first.
    const entry = new URL(`./compile-worker${fromSource ? '.ts' : '.js'}`, import.meta.url);
    const w = fromSource
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true },
        )
      : new Worker(entry);
    w.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if ('error' in reply) p?.reject(new Error(reply.error));
      else p?.resolve(reply.compiled);
    });
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`suggestion compiler exited with ${code}`)));
    return w;
  };
  return {
    compile(columns) {
      worker ??= start();
      worker.ref();
      const id = next++;
      const done = new Promise<CompiledSuggestions>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({ id, columns }, [
        columns.texts.ends.buffer as ArrayBuffer,
        columns.weights.buffer as ArrayBuffer,
        columns.sources.buffer as ArrayBuffer,
      ]);
      return done;
    },
    async stop() {
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}
