// High-priority events do not wait behind a backfill: they are searchable while the backlog of
// normal events is still being worked through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateDemoCatalog } from '../catalog/demo.ts';
import type { ProductEvent } from '../indexer/event.ts';
import { publishEvents } from '../indexer/publisher.ts';
import { committedCount, indexerSuite, sendEvents, startIndexer, waitFor } from './support/indexer.ts';

describe('indexer: priority lane', () => {
  const s = indexerSuite(6);

  it('makes promoted products searchable before a 40k-event backfill is done', async () => {
    const backfill: ProductEvent[] = [...generateDemoCatalog({ count: 40000, seed: 77 })].map((p, i) => ({
      op: 'upsert',
      id: p.id,
      version: i + 1,
      product: p,
    }));
    await sendEvents(s.f.producer, s.f.topics.normal, backfill);
    s.indexer = await startIndexer(s.f, { batchSize: 1000 });
    await waitFor(
      'the backfill under way',
      async () => (await committedCount(s.f.kafka, s.f.groupId, s.f.topics.normal)) > 0,
      30000,
      50,
    );

    const promoted: ProductEvent[] = Array.from({ length: 10 }, (_, i) => ({
      op: 'upsert',
      id: `PROMO-${i}`,
      version: 1,
      priority: 'high',
      product: { id: `PROMO-${i}`, title: `Promoted deal ${i}` },
    }));
    await publishEvents(s.f.producer, s.f.topics, promoted);
    await waitFor(
      'promoted products searchable',
      async () =>
        (await s.f.es.count({ index: s.f.index.alias, query: { prefix: { id: 'PROMO-' } } })).count === promoted.length,
      30000,
      50,
    );
    const done = await committedCount(s.f.kafka, s.f.groupId, s.f.topics.normal);
    assert.ok(
      done < backfill.length,
      `backfill still pending when the promoted products were searchable (${done}/${backfill.length})`,
    );
  });
});
