// A steady stream of single price updates while polling the alias for each of them: how long from
// the event being sent until a search returns the new version.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemoCatalog } from '../catalog/demo.ts';
import { publishEvents } from '../indexer/publisher.ts';
import { rebuildFromCatalog } from '../indexer/rebuild.ts';
import type { StoredDocument } from '../indexer/stored-document.ts';
import { indexOptionsOf } from '../mappings/lifecycle.ts';
import {
  benchName,
  benchPipeline,
  benchServers,
  config,
  groupStable,
  percentile,
  round,
  say,
  spawnBuilt,
} from './support.ts';

/** "1s", "500ms", "2m" in milliseconds. */
export function durationMs(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(s.trim());
  if (!m) throw new Error(`not a duration: ${s}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60000 }[m[2] as 'ms' | 's' | 'm'];
}

export async function freshnessBench(args: { seconds: number; rate: number }) {
  const { es, kafka } = await benchServers();
  const pipeline = await benchPipeline(es, kafka);
  const { alias, topics, producer } = pipeline;
  const products = [...generateDemoCatalog({ count: 2000, seed: 3 })];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-')), 'catalog.ndjson');
  fs.writeFileSync(file, products.map((p) => JSON.stringify(p)).join('\n'));
  await rebuildFromCatalog(
    es,
    { ...indexOptionsOf(config), alias },
    { catalogFile: file, versionBase: 1000, batchSize: 1000 },
  );
  const group = benchName('group');
  const child = spawnBuilt('indexer/cli.ts', ['run'], {
    SHOP_EVENTS_TOPIC: topics.normal,
    SHOP_INDEX_ALIAS: alias,
    SHOP_INDEXER_GROUP: group,
    SHOP_INDEXER_METRICS_PORT: '0',
    SHOP_LOG_LEVEL: 'error',
  });
  await groupStable(kafka, group);

  const pending = new Map<string, { version: number; sentAt: number }>();
  const latencies: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling || pending.size > 0) {
      if (pending.size > 0) {
        const ids = [...pending.keys()];
        const res = await es.search<StoredDocument>({
          index: alias,
          size: ids.length,
          _source: ['version'],
          query: { ids: { values: ids } },
        });
        const now = performance.now();
        for (const h of res.hits.hits) {
          const p = pending.get(h._id!);
          if (p && h._source!.version >= p.version) {
            latencies.push(now - p.sentAt);
            pending.delete(h._id!);
          }
        }
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();

  say(`${args.rate} updates/s for ${args.seconds}s`);
  const total = args.seconds * args.rate;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / args.rate;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    const id = products[i % products.length]!.id;
    const version = 1_000_000 + i;
    pending.set(id, { version, sentAt: performance.now() });
    await publishEvents(producer, topics, [{ op: 'patch', id, version, fields: { price: (i % 500) + 1 } }]);
  }
  polling = false;
  await Promise.race([poller, new Promise((r) => setTimeout(r, 15000))]);
  const lost = pending.size;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await pipeline.cleanup();
  await es.close();

  latencies.sort((a, b) => a - b);
  const refresh = durationMs(config.indexRefreshInterval);
  return {
    bench: 'freshness',
    updates: total,
    rate_per_s: args.rate,
    not_seen: lost,
    p50_ms: Math.round(percentile(latencies, 50)),
    p99_ms: Math.round(percentile(latencies, 99)),
    max_ms: Math.round(latencies.at(-1) ?? NaN),
    refresh_interval_ms: refresh,
    p99_over_refresh: round(percentile(latencies, 99) / refresh, 2),
  };
}
