// The worker thread that compiles suggestion sets (see compiler.ts): columns in, arrays out, the
// arrays transferred rather than copied.
import { parentPort } from 'node:worker_threads';
import { compileSuggestions, type SuggestionColumns, transferables } from './compile.ts';

parentPort!.on('message', ({ id, columns }: { id: number; columns: SuggestionColumns }) => {
  try {
    const compiled = compileSuggestions(columns);
    parentPort!.postMessage({ id, compiled }, transferables(compiled));
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).message });
  }
});
