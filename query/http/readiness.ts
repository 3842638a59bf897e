// Readiness of each dependency: a real round trip, timed, and bounded so a hung server
// cannot hang the probe.
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import type { Kafka } from '../../common/clients/kafka.ts';
import type { Redis } from '../../common/clients/redis.ts';

export interface DependencyStatus {
  name: string;
  up: boolean;
  required: boolean;
  latencyMs: number;
  detail: string;
}

export interface Probe {
  check(): Promise<string>;
  close?(): Promise<void>;
}

export const esProbe = (es: EsClient): Probe => ({
  async check() {
    const h = await es.cluster.health({ timeout: '1s' });
    if (h.status === 'red') throw new Error('cluster status red');
    return `${h.status}, ${h.number_of_nodes} node(s)`;
  },
});

export const redisProbe = (redis: Redis): Probe => ({ check: () => redis.ping() });

/** Keeps one admin connection for its checks, reopened after a failure. */
export function kafkaProbe(kafka: Kafka): Probe {
  const admin = kafka.admin({ retry: { retries: 0 } });
  let connected: Promise<void> | undefined;
  return {
    async check() {
      connected ??= admin.connect().catch((e: unknown) => {
        connected = undefined;
        throw e;
      });
      await connected;
      const c = await admin.describeCluster();
      return `${c.brokers.length} broker(s)`;
    },
    close: () => admin.disconnect(),
  };
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkDependencies(
  probes: Record<string, Probe>,
  required: readonly string[],
  timeoutMs: number,
): Promise<DependencyStatus[]> {
  return Promise.all(
    Object.entries(probes).map(async ([name, probe]) => {
      const t0 = performance.now();
      const base = { name, required: required.includes(name) };
      try {
        const detail = await withTimeout(probe.check(), timeoutMs);
        return { ...base, up: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10, detail };
      } catch (e) {
        return {
          ...base,
          up: false,
          latencyMs: Math.round((performance.now() - t0) * 10) / 10,
          detail: (e as Error).message,
        };
      }
    }),
  );
}
