// Publishes change events: key = product id (one product, one partition), high priority to the
// priority topic.
import type { Producer } from 'kafkajs';
import type { ProductEvent } from './event.ts';
import type { EventTopics } from './topics.ts';

export const topicFor = (e: ProductEvent, topics: EventTopics): string =>
  e.priority === 'high' ? topics.priority : topics.normal;

export async function publishEvents(
  producer: Producer,
  topics: EventTopics,
  events: readonly ProductEvent[],
): Promise<void> {
  const byTopic = new Map<string, { key: string; value: string }[]>();
  for (const e of events) {
    const topic = topicFor(e, topics);
    const list = byTopic.get(topic) ?? [];
    list.push({ key: e.id, value: JSON.stringify(e) });
    byTopic.set(topic, list);
  }
  await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
}
