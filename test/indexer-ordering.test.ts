// Shuffled and duplicated delivery, split over both lanes, ends in exactly each product's latest state.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '../common/random.ts';
import type { Indexer } from '../indexer/consumer.ts';
import { randomHistories, shuffled } from './support/histories.ts';
import { committedCount, differences, expectedStates, indexerFixture, readIndex, sendEvents, startIndexer, waitFor, type IndexerFixture } from './support/indexer.ts';

describe('indexer: order and duplicates', () => {
  let f: IndexerFixture;
  let indexer: Indexer | undefined;
  before(async () => {
    f = await indexerFixture();
  });
  after(async () => {
    await indexer?.stop();
    await f.close();
  });

  it('converges to the in-order state of 400 products whatever the delivery order', async () => {
    const events = randomHistories(11, 400, 8);
    const rand = seededRandom(12);
    const delivered = shuffled([...events, ...events.filter(() => rand() < 0.3)], 13);
    const priority = delivered.filter(() => rand() < 0.2);
    const normal = delivered.filter((e) => !priority.includes(e));
    await sendEvents(f.producer, f.topics.normal, normal);
    await sendEvents(f.producer, f.topics.priority, priority);
    indexer = await startIndexer(f, { batchSize: 97 });
    await waitFor('every message committed', async () => (await committedCount(f.kafka, f.groupId, f.topics.normal)) === normal.length && (await committedCount(f.kafka, `${f.groupId}.priority`, f.topics.priority)) === priority.length, 90000);

    const expected = expectedStates(events);
    const docs = await readIndex(f.es, `${f.index.alias}-1`);
    assert.equal(docs.size, expected.size, 'one document per product, tombstones included');
    assert.deepEqual(differences(expected, docs), []);
    const live = [...expected.values()].filter((x) => x.live).length;
    assert.ok(live > 0 && live < expected.size, 'the histories include deleted products');
    assert.equal((await f.es.count({ index: f.index.alias })).count, live, 'searches see live products only');
  });
});
