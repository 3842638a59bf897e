// The built service as a child process on a free port, for load benchmarks; and autocannon runs.
import type { ChildProcess } from 'node:child_process';
import autocannon, { type Request } from 'autocannon';
import { freePort } from '../common/free-port.ts';
import { peakRssMb, spawnBuilt } from './support.ts';

export interface RunningService {
  url: string;
  child: ChildProcess;
  peakRssMb(): number;
  stop(): Promise<void>;
}

export async function startService(env: Record<string, string>): Promise<RunningService> {
  const port = await freePort();
  const child = spawnBuilt('query/http/main.ts', [], {
    SHOP_HTTP_PORT: String(port),
    SHOP_LOG_LEVEL: 'warn',
    // One load generator stands for many shoppers: one client's limits would be measured, not the
    // service (bench abuse measures the limits themselves, and sets its own).
    SHOP_RATE_LIMIT_MAX: '0',
    SHOP_CLIENT_CONCURRENCY: '0',
    SHOP_CLIENT_BUDGET_MS: '0',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('service not ready within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    peakRssMb: () => peakRssMb(child.pid!),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export interface LoadResult {
  p50_ms: number;
  p99_ms: number;
  rps: number;
  errors: number;
  non2xx: number;
  requests: number;
}

/**
 * Sends `requests` (cycled) with `connections` in parallel, `amount` in all, or at `rate` per second
 * for `seconds`. They are handed out one at a time from a single entry: autocannon slows down with
 * long request lists (measured: p50 1.2 s client-side with 40,000 entries, 1 ms with 10).
 */
export async function load(
  url: string,
  requests: Request[],
  o: { connections: number; amount?: number; rate?: number; seconds?: number },
): Promise<LoadResult> {
  let next = 0;
  const started = performance.now();
  const r = await autocannon({
    url,
    connections: o.connections,
    requests: [{ setupRequest: (req: Request) => ({ ...req, ...requests[next++ % requests.length]! }) }],
    ...(o.amount ? { amount: o.amount } : {}),
    ...(o.rate ? { overallRate: o.rate, duration: o.seconds ?? 20 } : {}),
  });
  return {
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    // Total over elapsed time: autocannon counts whole seconds, too coarse for short runs.
    rps: Math.round(r.requests.total / ((performance.now() - started) / 1000)),
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
  };
}

/**
 * Open-loop load at a fixed rate: one task started every 1/rate seconds whatever the previous ones
 * are doing, each timed from its scheduled start (so queueing counts). A task may send several
 * requests in sequence, e.g. every Elasticsearch request one search needs.
 */
export async function fixedRate(
  tasks: (() => Promise<void>)[],
  rate: number,
  seconds: number,
): Promise<{ p50_ms: number; p99_ms: number; errors: number; requests: number; rps: number }> {
  const total = Math.min(tasks.length * 100, Math.round(rate * seconds));
  const durations: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    running.push(
      tasks[i % tasks.length]!().then(
        () => void durations.push(performance.now() - due),
        () => void errors++,
      ),
    );
  }
  await Promise.all(running);
  durations.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))] ?? NaN);
  return {
    p50_ms: at(50),
    p99_ms: at(99),
    errors,
    requests: total,
    rps: Math.round(total / ((performance.now() - t0) / 1000)),
  };
}

/**
 * Closed-loop load: `connections` workers each start the next task as soon as their last one ends,
 * `amount` in all. The same client code (fetch) on both sides of a comparison, whatever the method.
 */
export async function saturate(
  tasks: (() => Promise<void>)[],
  connections: number,
  amount: number,
): Promise<{ p50_ms: number; rps: number; errors: number }> {
  const durations: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < amount) {
        const task = tasks[next++ % tasks.length]!;
        const started = performance.now();
        await task().then(
          () => void durations.push(performance.now() - started),
          () => void errors++,
        );
      }
    }),
  );
  durations.sort((a, b) => a - b);
  return {
    p50_ms: Math.round(durations[durations.length >> 1] ?? Number.NaN),
    rps: Math.round(amount / ((performance.now() - t0) / 1000)),
    errors,
  };
}

/** A GET or POST whose body is read to the end; throws on a non-2xx answer. */
export async function call(url: string, body?: string): Promise<void> {
  const res = await fetch(
    url,
    body === undefined ? {} : { method: 'POST', body, headers: { 'content-type': 'application/json' } },
  );
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${res.status} from ${url}`);
}
