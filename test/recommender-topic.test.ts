// Training input from a real Kafka topic of interaction events: read to the end, malformed events
// counted and skipped, nothing consumed from a real group.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kafka } from '../common/clients/kafka.ts';
import { createTopicsIfMissing } from '../common/clients/kafka.ts';
import {
  interactionEvents,
  interactionEventJson,
  readInteractionTopic,
} from '../recommender/interactions/event-topic.ts';
import { basketsOf } from '../recommender/interactions/interaction.ts';
import { train } from '../recommender/train.ts';
import { GARDEN, shopInteractions, smallTraining } from './support/baskets.ts';
import { testKafka, uniqueName } from './support/stack.ts';

describe('training from a Kafka topic', () => {
  let kafka: Kafka;
  const topic = uniqueName('interactions');
  const interactions = shopInteractions(120);
  before(async () => {
    kafka = testKafka();
    await createTopicsIfMissing(kafka, [topic], 3);
    const producer = kafka.producer();
    await producer.connect();
    const events = interactions.map((x) => ({ key: x.session, value: interactionEventJson(x) }));
    await producer.send({
      topic,
      messages: [...events, { key: 'bad', value: '{"type":"like"}' }, { key: 'bad', value: 'not json' }],
    });
    await producer.disconnect();
  });
  after(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it('reads every event, skips the malformed ones, and trains the same baskets as from a file', async () => {
    const r = await readInteractionTopic(kafka, topic);
    assert.equal(r.rejected, 2);
    assert.equal(r.interactions.length, interactions.length);
    const key = (b: { id: string; items: string[] }) => `${b.id}:${[...b.items].sort().join(',')}`;
    assert.deepEqual(basketsOf(r.interactions).map(key).sort(), basketsOf(interactions).map(key).sort());
    const m = await train({ interactions: r.interactions }, smallTraining);
    assert.ok(
      m.similar
        .get('g1')!
        .slice(0, 2)
        .every(([i]) => GARDEN.includes(i)),
    );
    // Straight from the topic, a batch at a time, as `recommender train --topic` does.
    const counts = { rejected: 0 };
    const streamed = await train({ interactions: interactionEvents(kafka, [topic], counts) }, smallTraining);
    assert.equal(counts.rejected, 2);
    assert.equal(streamed.metadata.counts.baskets, m.metadata.counts.baskets);
    assert.equal(streamed.metadata.counts.interactions, interactions.length);
  });
});
