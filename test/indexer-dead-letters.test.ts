// Malformed events go to the dead-letter topic with their reason; everything valid is indexed and
// every offset is committed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import { readDeadLetter, type DeadLetterView } from '../indexer/dead-letter.ts';
import { uniqueName } from './support/stack.ts';
import { committedCount, indexerSuite, readIndex, sendRaw, startIndexer, waitFor, type IndexerFixture } from './support/indexer.ts';

async function readTopic(f: IndexerFixture, topic: string, expected: number): Promise<DeadLetterView[]> {
  const consumer = f.kafka.consumer({ groupId: uniqueName('dlq-reader') });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void got.push(message) });
  await waitFor(`${expected} dead letters`, async () => got.length >= expected, 30000);
  await consumer.disconnect();
  return got.map(readDeadLetter);
}

describe('indexer: dead letters', () => {
  const s = indexerSuite();

  it('indexes the valid events and dead-letters each bad one with its reason', async () => {
    const ok = (i: number) => ({ key: `ok-${i}`, value: JSON.stringify({ op: 'upsert', id: `ok-${i}`, version: 1, product: { id: `ok-${i}`, title: `Good ${i}` } }) });
    const bad = [
      { key: 'b1', value: '{"op":"upsert",', reason: /invalid JSON/ },
      { key: 'b2', value: JSON.stringify({ op: 'upsert', id: 'b2', version: 1 }), reason: /required property 'product'/ },
      { key: 'b3', value: JSON.stringify({ op: 'patch', id: 'b3', version: 1, fields: { price: -5 } }), reason: /price/ },
      { key: 'other', value: JSON.stringify({ op: 'delete', id: 'b4', version: 1 }), reason: /key "other" differs/ },
      { key: 'b5', value: JSON.stringify({ op: 'upsert', id: 'b5', version: 1, product: { id: 'b5', title: 'x'.repeat(70 * 1024) } }), reason: /exceeds the limit/ },
      // Valid by the schema, refused by Elasticsearch: a keyword term longer than Lucene's 32766-byte limit.
      { key: 'b6', value: JSON.stringify({ op: 'upsert', id: 'b6', version: 1, product: { id: 'b6', title: 'Huge', attributes: { blob: 'y'.repeat(40000) } } }), reason: /-1: illegal_argument_exception: Document contains at least one immense term/ },
    ];
    const messages = [ok(0), ...bad.slice(0, 3), ok(1), ok(2), ...bad.slice(3), ok(3)];
    await sendRaw(s.f.producer, s.f.topics.normal, messages);
    s.indexer = await startIndexer(s.f);
    await waitFor('all offsets committed', async () => (await committedCount(s.f.kafka, s.f.groupId, s.f.topics.normal)) === messages.length, 60000);

    const docs = await readIndex(s.f.es, `${s.f.index.alias}-1`);
    assert.deepEqual([...docs.keys()].sort(), ['ok-0', 'ok-1', 'ok-2', 'ok-3']);

    const letters = await readTopic(s.f, s.f.topics.deadLetter, bad.length);
    assert.equal(letters.length, bad.length);
    for (const b of bad) {
      const letter = letters.find((l) => l.key === b.key);
      assert.ok(letter, `dead letter for ${b.key}`);
      assert.match(letter.reason!, b.reason);
      assert.equal(letter.value, b.value, 'the original payload is kept');
      assert.match(letter.source, new RegExp(`^${s.f.topics.normal}/\\d+@\\d+$`));
    }
  });
});
