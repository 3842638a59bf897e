// Whether this process's event loop has been lagging lately: the 99th percentile of its delay over
// the last quarter second. One monitor per process (the event loop is the process's), started on
// first use; its timer never keeps the process alive.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const WINDOW_MS = 250;
let latest = 0;

function start(): void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  setInterval(() => {
    latest = histogram.percentile(99) / 1e6;
    histogram.reset();
  }, WINDOW_MS).unref();
}

let started = false;

/** The event loop's recent delay (p99, ms). */
export function eventLoopLagMs(): number {
  if (!started) {
    started = true;
    start();
  }
  return latest;
}
