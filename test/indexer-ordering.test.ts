// Shuffled and duplicated delivery, split over both lanes, ends in exactly each product's latest state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../common/random.ts';
import { randomHistories, shuffled } from './support/histories.ts';
import {
  committedCount,
  differences,
  expectedStates,
  indexerSuite,
  readIndex,
  sendEvents,
  startIndexer,
  waitFor,
} from './support/indexer.ts';

describe('indexer: order and duplicates', () => {
  const s = indexerSuite();

  it('converges to the in-order state of 400 products whatever the delivery order', async () => {
    const events = randomHistories(11, 400, 8);
    const rand = seededRandom(12);
    const delivered = shuffled([...events, ...events.filter(() => rand() < 0.3)], 13);
    const priority = delivered.filter(() => rand() < 0.2);
    const normal = delivered.filter((e) => !priority.includes(e));
    await sendEvents(s.f.producer, s.f.topics.normal, normal);
    await sendEvents(s.f.producer, s.f.topics.priority, priority);
    s.indexer = await startIndexer(s.f, { batchSize: 97 });
    await waitFor(
      'every message committed',
      async () =>
        (await committedCount(s.f.kafka, s.f.groupId, s.f.topics.normal)) === normal.length &&
        (await committedCount(s.f.kafka, `${s.f.groupId}.priority`, s.f.topics.priority)) === priority.length,
      90000,
    );

    const expected = expectedStates(events);
    const docs = await readIndex(s.f.es, `${s.f.index.alias}-1`);
    assert.equal(docs.size, expected.size, 'one document per product, tombstones included');
    assert.deepEqual(differences(expected, docs), []);
    const live = [...expected.values()].filter((x) => x.live).length;
    assert.ok(live > 0 && live < expected.size, 'the histories include deleted products');
    assert.equal((await s.f.es.count({ index: s.f.index.alias })).count, live, 'searches see live products only');
  });
});
