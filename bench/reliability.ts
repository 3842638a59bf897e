// The fault suite: a continuous workload (product events through Kafka and the indexer, searches,
// suggestions and recommendation calls against the built service) while faults are injected one
// at a time. Per fault: requests by class, degraded answers flagged, the longest stretch of
// failures (recovery), and at the end events lost and stale overwrites, which must both be 0.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemoCatalog } from '../catalog/demo.ts';
import { demoInteractions } from '../catalog/demo-interactions.ts';
import { createRedis } from '../common/clients/redis.ts';
import { publishEvents } from '../indexer/publisher.ts';
import { rebuildFromCatalog } from '../indexer/rebuild.ts';
import type { StoredDocument } from '../indexer/stored-document.ts';
import { indexOptionsOf } from '../mappings/lifecycle.ts';
import { recsKeys } from '../recommender/publish/keys.ts';
import { summarize } from '../recommender/publish/product-summary.ts';
import { publish } from '../recommender/publish/publish.ts';
import { train } from '../recommender/train.ts';
import { defaultTrainingOptions } from '../recommender/training-options.ts';
import { signalByPidFile, stopByPidFile } from '../stack/processes.ts';
import { stackDown, stackServices, startService as startStackService } from '../stack/stack.ts';
import { startService, type RunningService } from './service.ts';
import { benchName, benchPipeline, benchServers, config, groupStable, round, say, spawnBuilt } from './support.ts';

export const FAULTS = ['indexer-kill', 'redis', 'kafka', 'es-pause', 'es-node', 'service-restart'] as const;
export type Fault = (typeof FAULTS)[number];

interface Outcome {
  at: number;
  kind: string;
  status: number; // 0: no answer (connection refused, timeout)
  degraded: boolean;
  retryAfter: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The faults this stack can take: stopping one Elasticsearch node needs a cluster of two or more. */
export const possibleFaults = (): Fault[] => FAULTS.filter((f) => f !== 'es-node' || config.stackEsNodes >= 2);

export async function reliabilityBench(args: { seconds: number; faults?: readonly Fault[]; rate?: number }) {
  const faults = args.faults ?? possibleFaults();
  if (faults.includes('es-node') && config.stackEsNodes < 2)
    throw new Error('the es-node fault needs SHOP_STACK_ES_NODES=2 (and SHOP_INDEX_REPLICAS=1)');
  const { es, kafka } = await benchServers();
  const pipeline = await benchPipeline(es, kafka);
  const { alias, topics, producer } = pipeline;
  const prefix = `${benchName('rel')}:`;
  const products = [...generateDemoCatalog({ count: 300, seed: 9 })];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rel-')), 'catalog.ndjson');
  fs.writeFileSync(file, products.map((p) => JSON.stringify(p)).join('\n'));
  await rebuildFromCatalog(
    es,
    { ...indexOptionsOf(config), alias },
    { catalogFile: file, versionBase: 1000, batchSize: 1000 },
  );
  const redis = createRedis(config);
  redis.on('error', () => {});
  await redis.connect();
  const model = await train(
    {
      interactions: demoInteractions(products, { customers: 100, basketsPerCustomer: 6, seed: 9, end: Date.now() }),
      products,
    },
    { ...defaultTrainingOptions, minCount: 2, item2vec: { ...defaultTrainingOptions.item2vec, epochs: 2 } },
  );
  await publish(redis, recsKeys(prefix), model, products.map(summarize));

  const group = benchName('group');
  const indexerEnv = {
    SHOP_EVENTS_TOPIC: topics.normal,
    SHOP_INDEX_ALIAS: alias,
    SHOP_INDEXER_GROUP: group,
    SHOP_INDEXER_METRICS_PORT: '0',
    SHOP_LOG_LEVEL: 'error',
  };
  let indexer: ChildProcess = spawnBuilt('indexer/cli.ts', ['run'], indexerEnv);
  await groupStable(kafka, group);
  const serviceEnv = { SHOP_INDEX_ALIAS: alias, SHOP_REDIS_PREFIX: prefix, SHOP_RECS_POINTER_TTL_MS: '1000' };
  let service: RunningService = await startService(serviceEnv);

  // Events: a price patch for a random product, at a steady rate; a send that fails is retried
  // until Kafka acknowledges it, and only acknowledged events are expected in the index.
  const last = new Map<string, { version: number; price: number }>();
  let version = 1_000_000;
  let producing = true;
  let sendRetries = 0;
  const rate = args.rate ?? 20;
  const producing$ = (async () => {
    for (let _i = 0; producing; _i++) {
      const id = products[Math.floor(Math.random() * products.length)]!.id;
      const event = {
        op: 'patch' as const,
        id,
        version: ++version,
        fields: { price: round(1 + Math.random() * 500, 2) },
      };
      for (;;) {
        try {
          await publishEvents(producer, topics, [event]);
          break;
        } catch {
          sendRetries++;
          await sleep(250);
        }
      }
      last.set(id, { version: event.version, price: event.fields.price });
      await sleep(1000 / rate);
    }
  })();

  // Requests: search, suggest, similar items and trending in turn, 20 a second, each with a 3 s limit.
  const outcomes: Outcome[] = [];
  let requesting = true;
  const words = ['lamp', 'headphones', 'tent', 'blender', 'puzzle', 'keyboard'];
  const requesting$ = (async () => {
    for (let i = 0; requesting; i++) {
      const kinds = [
        // Every other search is new, so it needs Elasticsearch rather than the cache.
        ['search', `/search?q=${words[i % words.length]}${i % 8 === 0 ? `+${i}` : ''}&size=10`],
        ['suggest', `/suggest?q=${words[i % words.length]!.slice(0, 3)}`],
        ['similar', `/recommendations/similar/${products[i % products.length]!.id}`],
        ['trending', '/recommendations/trending'],
      ] as const;
      const [kind, url] = kinds[i % kinds.length]!;
      const at = Date.now();
      void fetch(`${service.url}${url}`, { signal: AbortSignal.timeout(3000) }).then(
        async (res) => {
          const body = (await res.json().catch(() => ({}))) as { degraded?: boolean; stale?: boolean };
          outcomes.push({
            at,
            kind,
            status: res.status,
            degraded: Boolean(body.degraded || body.stale),
            retryAfter: res.headers.has('retry-after'),
          });
        },
        () => outcomes.push({ at, kind, status: 0, degraded: false, retryAfter: false }),
      );
      await sleep(50);
    }
  })();

  const services = stackServices(config);
  const stackService = (name: string) => services.find((s) => s.name === name)!;
  const windows: { fault: Fault | 'baseline'; from: number; to: number; injected: number; note?: string }[] = [];
  const hold = Math.min(8000, args.seconds * 500);
  const phase = async (fault: Fault | 'baseline', inject: () => Promise<string | undefined>) => {
    const from = Date.now();
    const note = await inject();
    const injected = Date.now();
    await sleep(args.seconds * 1000);
    windows.push({ fault, from, to: Date.now(), injected, ...(note ? { note } : {}) });
    say(`${fault}: done`);
  };
  await phase('baseline', async () => undefined);
  for (const fault of faults) {
    await phase(fault, async () => {
      if (fault === 'indexer-kill') {
        for (let k = 0; k < 3; k++) {
          await sleep(500 + Math.random() * 2000);
          indexer.kill('SIGKILL');
          await new Promise((r) => indexer.once('exit', r));
          indexer = spawnBuilt('indexer/cli.ts', ['run'], indexerEnv);
        }
        return 'SIGKILL ×3, restarted at once';
      }
      if (fault === 'redis' || fault === 'kafka') {
        await stackDown(config, () => {}, [fault]);
        await sleep(hold);
        await startStackService(stackService(fault), config, () => {});
        return `stopped ${hold / 1000} s`;
      }
      if (fault === 'es-node') {
        // The last node goes away: with one replica every shard still has a copy on the others.
        const node = stackService(config.stackEngine).processes.at(-1)!;
        await stopByPidFile(node.pidFile);
        await sleep(hold);
        await startStackService(stackService(config.stackEngine), config, () => {});
        return `node ${node.name} stopped ${hold / 1000} s, started again`;
      }
      if (fault === 'es-pause') {
        const pidFile = stackService(config.stackEngine).processes[0]!.pidFile;
        signalByPidFile(pidFile, 'SIGSTOP');
        await sleep(hold);
        signalByPidFile(pidFile, 'SIGCONT');
        return `SIGSTOP ${hold / 1000} s`;
      }
      await service.stop();
      service = await startService(serviceEnv);
      return 'SIGTERM, started again';
    });
  }

  producing = false;
  await producing$;
  requesting = false;
  await requesting$;
  await sleep(3500); // the last requests answer or time out

  // Every acknowledged event must be in the index: the last price of every product sent.
  const deadline = Date.now() + 120_000;
  let lost = last.size;
  let stale = 0;
  while (Date.now() < deadline) {
    const res = await es.search<StoredDocument & { price?: number }>({
      index: alias,
      size: products.length,
      _source: ['version', 'price'],
      query: { ids: { values: [...last.keys()] } },
    });
    const stored = new Map(res.hits.hits.map((h) => [h._id!, h._source!]));
    lost = [...last].filter(([id, l]) => (stored.get(id)?.version ?? 0) < l.version).length;
    stale = [...last].filter(
      ([id, l]) => (stored.get(id)?.version ?? 0) >= l.version && stored.get(id)?.price !== l.price,
    ).length;
    if (lost === 0) break;
    await sleep(1000);
  }
  const caughtUpSeconds = round((Date.now() - (deadline - 120_000)) / 1000, 1);

  indexer.kill('SIGTERM');
  await service.stop();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await pipeline.cleanup();
  await es.close();

  const perFault = windows.map((w) => {
    const inWindow = outcomes.filter((o) => o.at >= w.from && o.at < w.to);
    const failed = (o: Outcome) => o.status === 0 || o.status >= 500;
    // Recovery: the longest stretch from a failed request to the next successful one.
    let longest = 0;
    let firstFail: number | undefined;
    for (const o of [...inWindow].sort((a, b) => a.at - b.at)) {
      if (failed(o)) firstFail ??= o.at;
      else if (firstFail !== undefined) {
        longest = Math.max(longest, o.at - firstFail);
        firstFail = undefined;
      }
    }
    return {
      fault: w.fault,
      ...(w.note ? { injected: w.note } : {}),
      requests: inWindow.length,
      ok: inWindow.filter((o) => o.status >= 200 && o.status < 300).length,
      degraded_flagged: inWindow.filter((o) => o.status === 200 && o.degraded).length,
      '503_with_retry_after': inWindow.filter((o) => o.status === 503 && o.retryAfter).length,
      other_5xx: inWindow.filter((o) => o.status >= 500 && !(o.status === 503 && o.retryAfter)).length,
      '4xx': inWindow.filter((o) => o.status >= 400 && o.status < 500).length,
      no_answer: inWindow.filter((o) => o.status === 0).length,
      no_answer_by_kind: Object.fromEntries(
        ['search', 'suggest', 'similar', 'trending']
          .map((k) => [k, inWindow.filter((o) => o.status === 0 && o.kind === k).length])
          .filter(([, n]) => n),
      ),
      longest_failure_ms: longest,
    };
  });
  return {
    bench: 'reliability',
    seconds_per_phase: args.seconds,
    events_acknowledged: version - 1_000_000,
    producer_send_retries: sendRetries,
    products_updated: last.size,
    events_lost: lost,
    stale_overwrites: stale,
    index_caught_up_after_s: caughtUpSeconds,
    faults: perFault,
  };
}
