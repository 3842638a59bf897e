// Re-applies the events of some topics, from a point in time up to their current end, to one
// index. Used by the rebuild to catch up with events applied to the old version only. It reads with
// a throwaway consumer group, so the indexer's own offsets are untouched.
import { randomBytes } from 'node:crypto';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Kafka } from '../common/clients/kafka.ts';
import { parseEvent } from './event.ts';
import { retryForever, type Backoff } from './retry.ts';
import { writeEvents } from './writer.ts';

export interface ReplayOptions {
  kafka: Kafka;
  es: EsClient;
  topics: string[];
  /** Replay from this time (ms since epoch), or from the beginning of the topics. */
  since: number | 'earliest';
  maxEventBytes: number;
  backoff: Backoff;
  groupPrefix: string;
}

interface Range {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint; // exclusive
}

async function rangesToReplay(kafka: Kafka, topics: string[], since: number | 'earliest'): Promise<Range[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ranges: Range[] = [];
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const starts = since === 'earliest' ? ends.map((e) => ({ partition: e.partition, offset: e.low })) : await admin.fetchTopicOffsetsByTimestamp(topic, since);
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

/** Replays into `index`; resolves with the number of events read. */
export async function replayInto(index: string, o: ReplayOptions): Promise<number> {
  const ranges = await rangesToReplay(o.kafka, o.topics, o.since);
  if (ranges.length === 0) return 0;
  const groupId = `${o.groupPrefix}.replay.${index}.${randomBytes(4).toString('hex')}`;
  const consumer = o.kafka.consumer({ groupId });
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
            const events = inRange.flatMap((m) => {
              const r = parseEvent(m.value, m.key, o.maxEventBytes);
              return r.ok ? [r.event] : []; // invalid events were dead-lettered by the indexer already
            });
            await retryForever(() => writeEvents(o.es, index, events), o.backoff, { onRetry: () => heartbeat() });
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
    const admin = o.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
}
