// While a backfill of normal events is being indexed, promoted products are published on the
// priority lane every 200 ms: how long until each is searchable, against how long the backfill takes
// (what a promoted product would wait without the lane).
import { generateDemoCatalog } from '../catalog/demo.ts';
import type { ProductEvent } from '../indexer/event.ts';
import { publishEvents } from '../indexer/publisher.ts';
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

export async function priorityBench(args: { docs: number }) {
  const { es, kafka } = await benchServers();
  const pipeline = await benchPipeline(es, kafka);
  const { alias, topics, producer } = pipeline;
  const backfill: ProductEvent[] = [...generateDemoCatalog({ count: args.docs, seed: 8 })].map((p, i) => ({
    op: 'upsert',
    id: p.id,
    version: i + 1,
    product: p,
  }));
  say(`publishing a backfill of ${backfill.length} events`);
  for (let i = 0; i < backfill.length; i += 5000) await publishEvents(producer, topics, backfill.slice(i, i + 5000));

  const group = benchName('group');
  const child = spawnBuilt('indexer/cli.ts', ['run'], {
    SHOP_EVENTS_TOPIC: topics.normal,
    SHOP_INDEX_ALIAS: alias,
    SHOP_INDEXER_GROUP: group,
    SHOP_INDEXER_METRICS_PORT: '0',
    SHOP_LOG_LEVEL: 'error',
  });
  await groupStable(kafka, group);
  const t0 = performance.now();
  const latencies: number[] = [];
  let sent = 0;
  let backfillSeconds = 0;
  const pending = new Map<string, number>();
  while (backfillSeconds === 0 || pending.size > 0) {
    if (backfillSeconds === 0) {
      const id = `PROMO-${sent++}`;
      pending.set(id, performance.now());
      await publishEvents(producer, topics, [
        { op: 'upsert', id, version: 1, priority: 'high', product: { id, title: `Promoted ${id}` } },
      ]);
    }
    const res = await es.search({
      index: alias,
      size: 100,
      _source: false,
      query: { ids: { values: [...pending.keys()] } },
    });
    for (const h of res.hits.hits) {
      latencies.push(performance.now() - pending.get(h._id!)!);
      pending.delete(h._id!);
    }
    const normal = (await es.count({ index: alias, query: { prefix: { id: 'DEMO-' } } })).count;
    if (backfillSeconds === 0 && normal >= backfill.length) backfillSeconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await pipeline.cleanup();
  await es.close();
  latencies.sort((a, b) => a - b);
  return {
    bench: 'priority',
    backfill_events: backfill.length,
    backfill_seconds: round(backfillSeconds, 2),
    priority_events: latencies.length,
    priority_p50_ms: Math.round(percentile(latencies, 50)),
    priority_p99_ms: Math.round(percentile(latencies, 99)),
    refresh_interval: config.indexRefreshInterval,
  };
}
