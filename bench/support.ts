// What every benchmark shares: the stack (started when no external servers are configured),
// unique names, a child indexer process, and the one-line JSON summary.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createEsClient, type EsClient } from '../common/clients/elasticsearch.ts';
import type { Redis } from '../common/clients/redis.ts';
import type { Producer } from 'kafkajs';
import { createKafka, createProducer, type Kafka } from '../common/clients/kafka.ts';
import { loadConfig, projectRoot, type Config } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { ensureTopics, eventTopicsOf, type EventTopics } from '../indexer/topics.ts';
import { ensureLiveIndex, indexOptionsOf, listIndexVersions } from '../mappings/lifecycle.ts';
import { stackUp } from '../stack/stack.ts';

export const config: Config = loadConfig();
/** The shared evaluation data (../shared/data, or SHOP_DATA_DIR). */
export const dataDir = process.env.SHOP_DATA_DIR ?? path.resolve(projectRoot, '..', 'shared', 'data');
// Standard output is the benchmark's JSON summary: logs go to standard error.
export const quietLog = createLogger('error', 'bench', 2);
export const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);
export const benchName = (prefix: string) => `bench-${prefix}-${randomBytes(4).toString('hex')}`;

export async function benchServers(): Promise<{ es: EsClient; kafka: Kafka }> {
  await stackUp(config, say);
  return {
    es: await createEsClient(config, { requestTimeoutMs: 60000 }),
    kafka: createKafka(config, benchName('client'), quietLog),
  };
}

let built = false;

/** Compiles the project once per run: benchmarks measure the JavaScript that production runs, not the tsx loader. */
export function ensureBuild(): void {
  if (built) return;
  const r = spawnSync(
    process.execPath,
    [
      path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      path.join(projectRoot, 'tsconfig.build.json'),
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('build failed');
  built = true;
}

/** The node flags production runs a process with (package.json `config`, used by `npm run start:indexer`). */
function productionNodeFlags(script: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
    config?: Record<string, string>;
  };
  const flags = script.startsWith('indexer/') ? pkg.config?.indexerNodeFlags : undefined;
  return (flags ?? '').split(' ').filter(Boolean);
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Runs a built entry point (`indexer/cli.ts` runs as dist/indexer/cli.js) with extra environment; output to stderr. */
export function spawnBuilt(script: string, args: string[], env: Record<string, string>): ChildProcess {
  ensureBuild();
  const js = path.join(projectRoot, 'dist', script.replace(/\.ts$/, '.js'));
  return spawn(process.execPath, [...productionNodeFlags(script), js, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 2, 2],
  });
}

/** Resolves once the consumer group has members and is stable, i.e. consuming. */
export async function groupStable(kafka: Kafka, groupId: string, timeoutMs = 60000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { groups } = await admin.describeGroups([groupId]);
      if (groups[0]?.state === 'Stable' && groups[0].members.length > 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`consumer group ${groupId} not stable after ${timeoutMs} ms`);
  } finally {
    await admin.disconnect();
  }
}

/** Peak resident memory of a process (VmHWM), in MB; 0 once it has exited. */
export function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) a process has used so far, in ms; NaN once it has exited. */
export function cpuMs(pid: number): number {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesized command name, in clock ticks (100/s).
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The summary: the last line of standard output, one JSON object. */
export const printSummary = (summary: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(summary)}\n`);

export interface BenchPipeline {
  topics: EventTopics;
  alias: string;
  producer: Producer;
  /** Stops the producer and deletes the topics and every index version of the alias. */
  cleanup(): Promise<void>;
}

/** Fresh event topics, an index behind a fresh alias, and a connected producer. */
export async function benchPipeline(es: EsClient, kafka: Kafka): Promise<BenchPipeline> {
  const topics = eventTopicsOf(benchName('events'));
  const alias = benchName('products');
  await ensureTopics(kafka, topics, config.eventsPartitions);
  await ensureLiveIndex(es, { ...indexOptionsOf(config), alias });
  const producer = createProducer(kafka);
  await producer.connect();
  return {
    topics,
    alias,
    producer,
    async cleanup() {
      await producer.disconnect();
      for (const v of await listIndexVersions(es, alias)) await es.indices.delete({ index: v.name });
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: Object.values(topics) });
      await admin.disconnect();
    },
  };
}

/** Deletes every key under a Redis prefix (a benchmark's own), without blocking Redis. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}
