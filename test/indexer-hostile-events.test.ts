// Events that used to stop a lane for good: valid by the schema's character counts but refused by
// Elasticsearch as a whole bulk (ids over 512 UTF-8 bytes), category levels holding the path
// separator, and dead letters too large for one Kafka send. Each is dead-lettered with its reason,
// every valid event around it is indexed, and the lane ends caught up.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetricsRegistry } from '../common/metrics.ts';
import type { ProductEvent } from '../indexer/event.ts';
import { createIndexerMetrics } from '../indexer/metrics.ts';
import { writeEventsSplitting } from '../indexer/writer.ts';
import {
  committedCount,
  indexerSuite,
  readDeadLetters,
  readIndex,
  sendRaw,
  startIndexer,
  waitFor,
} from './support/indexer.ts';

const upsert = (id: string, extra: Record<string, unknown> = {}) => ({
  key: id,
  value: JSON.stringify({ op: 'upsert', id, version: 1, product: { id, title: `Product ${id}`, ...extra } }),
});

describe('indexer: a refused bulk is split, only the offending events dead-lettered', () => {
  const s = indexerSuite();

  it('writes the valid events of a bulk Elasticsearch refuses whole, and rejects only the bad one', async () => {
    // Built directly, past the schema (which now refuses it), to make Elasticsearch refuse the bulk.
    const bad: ProductEvent = { op: 'delete', id: '😀'.repeat(200), version: 1 };
    const good = (i: number): ProductEvent => ({
      op: 'upsert',
      id: `split-${i}`,
      version: 1,
      product: { id: `split-${i}`, title: `Split ${i}` },
    });
    const events = [good(0), good(1), good(2), bad, good(3), good(4)];
    const r = await writeEventsSplitting(s.f.es, `${s.f.index.alias}-1`, events);
    assert.equal(r.written, 5);
    assert.deepEqual(
      r.rejected.map((x) => x.event),
      [bad],
    );
    assert.match(r.rejected[0]!.reason, /Elasticsearch refused the request \(400/);
    const docs = await readIndex(s.f.es, `${s.f.index.alias}-1`);
    assert.deepEqual([...docs.keys()].sort(), ['split-0', 'split-1', 'split-2', 'split-3', 'split-4']);
  });
});

describe('indexer: hostile events never stall a lane', () => {
  const s = indexerSuite(1);

  it('dead-letters ids over 512 bytes, path separators in categories and oversized events, in sends that fit', async () => {
    const registry = createMetricsRegistry();
    const metrics = createIndexerMetrics(registry);
    const huge = (id: string) => ({
      key: id,
      value: JSON.stringify({ op: 'upsert', id, pad: 'z'.repeat(900 * 1024) }),
    });
    const bad = [
      { ...upsert('😀'.repeat(200)), reason: /512 bytes/ },
      { ...upsert('cat-1', { categories: ['Home > Evil', 'Lamps'] }), reason: /categories\/0/ },
      { ...upsert('cat-2', { categories: ['Home', '>'] }), reason: /categories\/1/ },
      // Four events of 900 KB in one batch: one send of them all would exceed Kafka's 1 MiB limit.
      ...['big-1', 'big-2', 'big-3', 'big-4'].map((id) => ({ ...huge(id), reason: /exceeds the limit/ })),
    ];
    const messages = [upsert('ok-0'), ...bad.slice(0, 3), upsert('ok-1'), ...bad.slice(3), upsert('ok-2')];
    for (const { key, value } of messages) await sendRaw(s.f.producer, s.f.topics.normal, [{ key, value }]);
    s.indexer = await startIndexer(s.f, { metrics, deadLetterMaxBytes: 768 * 1024 });
    await waitFor(
      'every offset committed',
      async () => (await committedCount(s.f.kafka, s.f.groupId, s.f.topics.normal)) === messages.length,
      90000,
    );
    const docs = await readIndex(s.f.es, `${s.f.index.alias}-1`);
    assert.deepEqual([...docs.keys()].sort(), ['ok-0', 'ok-1', 'ok-2']);

    const letters = await readDeadLetters(s.f, s.f.topics.deadLetter, bad.length);
    assert.equal(letters.length, bad.length);
    for (const b of bad) {
      const letter = letters.find((l) => l.key === b.key);
      assert.ok(letter, `dead letter for ${b.key.slice(0, 20)}`);
      assert.match(letter.reason!, b.reason);
      if (b.value.length > 192 * 1024) {
        assert.equal(letter.valueBytes, Buffer.byteLength(b.value), 'the full size is kept');
        assert.equal(Buffer.byteLength(letter.value!), 192 * 1024, 'the value is cut to a quarter of a send');
      } else assert.equal(letter.value, b.value);
    }
    const text = await registry.metrics();
    assert.match(text, /shop_indexer_lane_lag\{lane="normal"\} 0/);
    assert.match(text, /shop_indexer_oldest_unprocessed_seconds\{lane="normal"\} 0/);
  });
});
