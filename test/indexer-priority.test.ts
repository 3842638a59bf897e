// High-priority events do not wait behind a backfill: they are searchable while the backlog of
// normal events is still being worked through.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateDemoCatalog } from '../catalog/demo.ts';
import type { Indexer } from '../indexer/consumer.ts';
import type { ProductEvent } from '../indexer/event.ts';
import { publishEvents } from '../indexer/publisher.ts';
import { committedCount, indexerFixture, sendEvents, startIndexer, waitFor, type IndexerFixture } from './support/indexer.ts';

describe('indexer: priority lane', () => {
  let f: IndexerFixture;
  let indexer: Indexer | undefined;
  before(async () => {
    f = await indexerFixture(6);
  });
  after(async () => {
    await indexer?.stop();
    await f.close();
  });

  it('makes promoted products searchable before a 40k-event backfill is done', async () => {
    const backfill: ProductEvent[] = [...generateDemoCatalog({ count: 40000, seed: 77 })].map((p, i) => ({ op: 'upsert', id: p.id, version: i + 1, product: p }));
    await sendEvents(f.producer, f.topics.normal, backfill);
    indexer = await startIndexer(f, { batchSize: 1000 });
    await waitFor('the backfill under way', async () => (await committedCount(f.kafka, f.groupId, f.topics.normal)) > 0, 30000, 50);

    const promoted: ProductEvent[] = Array.from({ length: 10 }, (_, i) => ({ op: 'upsert', id: `PROMO-${i}`, version: 1, priority: 'high', product: { id: `PROMO-${i}`, title: `Promoted deal ${i}` } }));
    await publishEvents(f.producer, f.topics, promoted);
    await waitFor('promoted products searchable', async () => (await f.es.count({ index: f.index.alias, query: { prefix: { id: 'PROMO-' } } })).count === promoted.length, 30000, 50);
    const done = await committedCount(f.kafka, f.groupId, f.topics.normal);
    assert.ok(done < backfill.length, `backfill still pending when the promoted products were searchable (${done}/${backfill.length})`);
  });
});
