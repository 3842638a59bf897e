// Reads topics from a point in time (or their beginning) up to where they end now, with a
// throwaway consumer group so no real group's offsets move. Used to replay events into a
// rebuilt index and to read the search log for suggestions.
import { randomBytes } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import type { Kafka } from './kafka.ts';

export interface RangeOptions {
  topics: string[];
  /** From this time (ms since epoch), or from the beginning. */
  since: number | 'earliest';
  groupPrefix: string;
  /** Called per batch with the messages inside the range; may call heartbeat during long work. */
  onMessages: (messages: KafkaMessage[], heartbeat: () => Promise<void>) => Promise<void>;
}

interface Range {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint; // exclusive
}

async function rangesToRead(kafka: Kafka, topics: string[], since: number | 'earliest'): Promise<Range[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ranges: Range[] = [];
    for (const topic of topics.filter((t) => existing.has(t))) {
      const ends = await admin.fetchTopicOffsets(topic);
      const starts =
        since === 'earliest'
          ? ends.map((e) => ({ partition: e.partition, offset: e.low }))
          : await admin.fetchTopicOffsetsByTimestamp(topic, since);
      for (const end of ends) {
        const start = starts.find((s) => s.partition === end.partition)!;
        // fetchTopicOffsetsByTimestamp answers -1 when no message is that recent.
        const from = BigInt(start.offset) < 0n ? BigInt(end.high) : BigInt(start.offset);
        if (from < BigInt(end.high)) ranges.push({ topic, partition: end.partition, from, to: BigInt(end.high) });
      }
    }
    return ranges;
  } finally {
    await admin.disconnect();
  }
}

/** Resolves with the number of messages read once every partition reached its end. */
export async function consumeToEnd(kafka: Kafka, o: RangeOptions): Promise<number> {
  const ranges = await rangesToRead(kafka, o.topics, o.since);
  if (ranges.length === 0) return 0;
  const groupId = `${o.groupPrefix}.range.${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({ groupId });
  const pending = new Map(ranges.map((r) => [`${r.topic}/${r.partition}`, r]));
  let read = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...new Set(ranges.map((r) => r.topic))], fromBeginning: true });
    const finished = new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch, heartbeat }) => {
            const key = `${batch.topic}/${batch.partition}`;
            const range = pending.get(key);
            if (!range) return;
            const inRange = batch.messages.filter((m) => BigInt(m.offset) >= range.from && BigInt(m.offset) < range.to);
            await o.onMessages(inRange, heartbeat);
            read += inRange.length;
            const last = batch.messages.at(-1);
            if (last && BigInt(last.offset) >= range.to - 1n) {
              pending.delete(key);
              if (pending.size === 0) resolve();
            }
          },
        })
        .catch(reject);
    });
    for (const r of ranges) consumer.seek({ topic: r.topic, partition: r.partition, offset: r.from.toString() });
    await finished;
    return read;
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
}
