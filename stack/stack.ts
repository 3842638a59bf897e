// Brings the embedded servers up in order (the search engine, on OpenSearch its secured node,
// Kafka, Redis, the secured Redis), each waited on with a real health check, and down again by pid
// file. Servers configured as external are skipped.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../common/config.ts';
import { kafkaService } from './kafka.ts';
import { ensureDiskSpace, ensurePortFree, ensureTools } from './prerequisites.ts';
import { runningPid, startDetached, stopByPidFile, tailFile } from './processes.ts';
import { redisService, securedRedisService } from './redis.ts';
import { searchEngineService } from './search-engine.ts';
import { securedOpenSearchService } from './secured-opensearch.ts';
import type { StackService } from './service.ts';

export class StackError extends Error {
  override name = 'StackError';
}

export const stackServices = (c: Config): StackService[] => [
  searchEngineService(c),
  ...(c.stackEngine === 'opensearch' ? [securedOpenSearchService(c)] : []),
  kafkaService(c),
  redisService(c),
  securedRedisService(c),
];

export type Say = (line: string) => void;

export interface UpResult {
  started: string[];
  seconds: number;
}

/** Starts whatever is not running yet and waits until every server is healthy. Idempotent. */
export async function stackUp(c: Config, say: Say, services = stackServices(c)): Promise<UpResult> {
  const t0 = performance.now();
  const embedded = services.filter((s) => !s.external);
  ensureTools(
    embedded.flatMap((s) => s.tools),
    c.stackInstall,
    say,
  );
  ensureDiskSpace(c.stackDir, 1024);
  const started: string[] = [];
  for (const service of embedded) {
    if (await startService(service, c, say)) started.push(service.name);
  }
  return { started, seconds: (performance.now() - t0) / 1000 };
}

/** Starts one service's missing processes; returns whether it had to start any. */
export async function startService(service: StackService, c: Config, say: Say): Promise<boolean> {
  const missing = service.processes.filter((p) => runningPid(p.pidFile) === undefined);
  if (missing.length === 0) {
    service.afterStart?.(say); // a no-op once done; finishes a start-up that failed half-way
    say(
      `${service.name}: already running (${await service.checkHealth().catch((e: Error) => `unhealthy: ${e.message}`)})`,
    );
    return false;
  }
  service.prepare(say);
  if (missing.length === service.processes.length) {
    for (const claim of service.ports) await ensurePortFree(claim.port, service.name, claim.setting);
  }
  const t0 = performance.now();
  for (const p of missing) startDetached(p);
  say(`${service.name}: starting ${missing.map((p) => p.name).join(', ')}`);
  const detail = await waitHealthy(service, c.stackStartTimeoutMs);
  service.afterStart?.(say);
  say(`${service.name}: healthy in ${((performance.now() - t0) / 1000).toFixed(1)}s (${detail})`);
  return true;
}

async function waitHealthy(service: StackService, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const dead = service.processes.find((p) => runningPid(p.pidFile) === undefined);
    if (dead)
      throw new StackError(
        `${dead.name} exited during start-up; its log is ${dead.logFile}:\n${tailFile(dead.logFile)}`,
      );
    try {
      return await service.checkHealth();
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(250);
  }
  const logs = service.processes.map((p) => p.logFile).join(', ');
  throw new StackError(
    `${service.name} was not healthy after ${timeoutMs / 1000}s (last check: ${last}); log: ${logs}`,
  );
}

/**
 * Stops the named services (all by default, both engines included), newest first; only processes
 * the stack started.
 */
export async function stackDown(c: Config, say: Say, names?: string[]): Promise<void> {
  const other: Config = { ...c, stackEngine: c.stackEngine === 'opensearch' ? 'elasticsearch' : 'opensearch' };
  const all = [...stackServices(other), ...stackServices(c)];
  const services = all
    .filter((s, i) => all.findIndex((x) => x.name === s.name) === i)
    .filter((s) => !names || names.includes(s.name));
  for (const service of services.reverse()) {
    for (const p of service.processes) {
      if (await stopByPidFile(p.pidFile)) say(`${p.name}: stopped`);
    }
  }
}

export interface ServiceStatus {
  name: string;
  state: 'external' | 'running' | 'stopped' | 'partial';
  pids: number[];
  health: string;
  logs: string[];
}

export async function stackStatus(c: Config): Promise<ServiceStatus[]> {
  return Promise.all(
    stackServices(c).map(async (s): Promise<ServiceStatus> => {
      const pids = s.processes.map((p) => runningPid(p.pidFile)).filter((p): p is number => p !== undefined);
      const state = s.external
        ? 'external'
        : pids.length === 0
          ? 'stopped'
          : pids.length < s.processes.length
            ? 'partial'
            : 'running';
      const health =
        state === 'stopped' || state === 'external'
          ? '-'
          : await s.checkHealth().catch((e: Error) => `unhealthy: ${e.message}`);
      return { name: s.name, state, pids, health, logs: s.processes.map((p) => p.logFile) };
    }),
  );
}
