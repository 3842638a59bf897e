// 100k product events through Kafka and the indexer until searchable, against a direct bulk load
// of the same documents from Node into a fresh index with the same batch size, in the same run.
// The two alternate for `--repeat` rounds and the medians are reported: one pair is too noisy on
// a 2-core machine to tell 0.75 from 0.85.
import { generateDemoCatalog } from '../catalog/demo.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Kafka } from '../common/clients/kafka.ts';
import type { ProductEvent } from '../indexer/event.ts';
import { applyEvent } from '../indexer/merge.ts';
import { publishEvents } from '../indexer/publisher.ts';
import { toStoredDocument, type StoredDocument } from '../indexer/stored-document.ts';
import { createIndexVersion, indexOptionsOf } from '../mappings/lifecycle.ts';
import {
  benchName,
  benchPipeline,
  benchServers,
  config,
  groupStable,
  median,
  peakRssMb,
  round,
  say,
  spawnBuilt,
} from './support.ts';

/** Seconds to bulk-load ready documents and refresh them. */
async function directBulk(es: EsClient, docs: StoredDocument[], batchSize: number): Promise<number> {
  const index = await createIndexVersion(es, { ...indexOptionsOf(config), alias: benchName('raw') });
  const t0 = performance.now();
  for (let i = 0; i < docs.length; i += batchSize) {
    const res = await es.bulk({
      operations: docs.slice(i, i + batchSize).flatMap((d) => [{ index: { _index: index, _id: d.id } }, d]),
    });
    if (res.errors) throw new Error('direct bulk reported errors');
  }
  await es.indices.refresh({ index });
  const seconds = (performance.now() - t0) / 1000;
  await es.indices.delete({ index });
  return seconds;
}

/** Seconds from the indexer's consumer group turning stable until every event is searchable. */
async function throughIndexer(
  es: EsClient,
  kafka: Kafka,
  events: ProductEvent[],
): Promise<{ seconds: number; startup: number; peakRss: number }> {
  const pipeline = await benchPipeline(es, kafka);
  const { alias, topics, producer } = pipeline;
  for (let i = 0; i < events.length; i += 5000) await publishEvents(producer, topics, events.slice(i, i + 5000));

  const group = benchName('group');
  const spawnedAt = performance.now();
  const child = spawnBuilt('indexer/cli.ts', ['run'], {
    SHOP_EVENTS_TOPIC: topics.normal,
    SHOP_INDEX_ALIAS: alias,
    SHOP_INDEXER_GROUP: group,
    SHOP_INDEXER_METRICS_PORT: '0',
    SHOP_LOG_LEVEL: 'error',
  });
  await groupStable(kafka, group);
  const t0 = performance.now();
  let peakRss = 0;
  for (;;) {
    peakRss = Math.max(peakRss, peakRssMb(child.pid!));
    if (
      (await es.count({ index: alias }).then(
        (r) => r.count,
        () => 0,
      )) >= events.length
    )
      break;
    if (child.exitCode !== null) throw new Error(`indexer exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - t0) / 1000;
  peakRss = Math.max(peakRss, peakRssMb(child.pid!));
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));

  await pipeline.cleanup();
  return { seconds, startup: (t0 - spawnedAt) / 1000, peakRss };
}

export async function indexingBench(args: { docs: number; repeat: number }) {
  const { es, kafka } = await benchServers();
  const batchSize = config.indexerBatchSize;
  const events: ProductEvent[] = [...generateDemoCatalog({ count: args.docs, seed: 99 })].map((p, i) => ({
    op: 'upsert',
    id: p.id,
    version: 1_000_000 + i,
    product: p,
  }));
  const now = new Date().toISOString();
  const docs = events.map((e) => toStoredDocument(applyEvent(undefined, e)!, now));

  const raw: number[] = [];
  const indexer: { seconds: number; startup: number; peakRss: number }[] = [];
  for (let r = 0; r < args.repeat; r++) {
    say(`round ${r + 1}/${args.repeat}: direct bulk of ${docs.length} documents, batches of ${batchSize}`);
    raw.push(await directBulk(es, docs, batchSize));
    say(`round ${r + 1}/${args.repeat}: the same events through Kafka and the built indexer`);
    indexer.push(await throughIndexer(es, kafka, events));
  }
  await es.close();

  const indexerSeconds = median(indexer.map((x) => x.seconds));
  const rawSeconds = median(raw);
  return {
    bench: 'indexing',
    docs: events.length,
    batch_size: batchSize,
    repeat: args.repeat,
    indexer_seconds: round(indexerSeconds, 2),
    indexer_docs_per_s: Math.round(events.length / indexerSeconds),
    indexer_startup_s: round(median(indexer.map((x) => x.startup)), 2),
    bulk_seconds: round(rawSeconds, 2),
    bulk_docs_per_s: Math.round(docs.length / rawSeconds),
    ratio: round(rawSeconds / indexerSeconds, 2),
    ratios: indexer.map((x, i) => round(raw[i]! / x.seconds, 2)),
    peak_rss_mb: Math.round(Math.max(...indexer.map((x) => x.peakRss))),
  };
}
