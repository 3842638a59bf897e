// The learner's read loop: one consumer over the impressions and events topics that folds every
// message into the state exactly once. Offsets live in the state (and its checkpoint); messages
// the state already covers are skipped, so a restart after a crash replays harmlessly. Malformed
// events go to the dead-letter topic with their reason and never stop the loop.
import type { Consumer } from 'kafkajs';
import { createProducer, type Kafka } from '../common/clients/kafka.ts';
import type { Logger } from '../common/logger.ts';
import { parseImpression } from '../events/impression.ts';
import { parseRecordedEvent } from '../events/shopper-event.ts';
import { sendChunks, toDeadLetterMessage } from '../indexer/dead-letter.ts';
import type { LearnerMetrics } from './metrics.ts';
import type { LearnerState } from './state.ts';

export interface LoopTopics {
  impressions: string;
  events: string;
  deadLetter: string;
}

export interface LoopOptions {
  kafka: Kafka;
  groupId: string;
  sessionTimeoutMs: number;
  topics: LoopTopics;
  state: LearnerState;
  /** Bytes a dead-letter send may hold (SHOP_DLQ_MAX_BYTES). */
  deadLetterMaxBytes: number;
  metrics: LearnerMetrics;
  log: Logger;
}

export interface ReadLoop {
  start(): Promise<void>;
  /** Commits the offsets a checkpoint covers, so the group's lag says how far the learner is. */
  commit(offsets: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

export function createReadLoop(o: LoopOptions): ReadLoop {
  const { state, metrics, topics } = o;
  const consumer: Consumer = o.kafka.consumer({
    groupId: o.groupId,
    sessionTimeout: o.sessionTimeoutMs,
    heartbeatInterval: Math.min(3000, o.sessionTimeoutMs / 3),
  });
  const producer = createProducer(o.kafka, { retry: { retries: 3 } });

  async function deadLetter(dead: Parameters<typeof toDeadLetterMessage>[0][]): Promise<void> {
    if (dead.length === 0) return;
    try {
      // Cut to fit the topic, in sends that fit (the events topic's limit, as the indexer's).
      const records = dead.map((d) => toDeadLetterMessage(d, Math.floor(o.deadLetterMaxBytes / 4)));
      for (const chunk of sendChunks(records, o.deadLetterMaxBytes))
        await producer.send({ topic: topics.deadLetter, acks: -1, messages: chunk });
      metrics.deadLettered.inc(dead.length);
    } catch (err) {
      // The events stay on their topic; losing their dead-letter copy must not stop learning.
      o.log.error({ err: (err as Error).message, count: dead.length }, 'dead letters not written');
    }
  }

  // Where to start each partition: the state's offset when it has one, else the beginning.
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    for (const [topic, partitions] of Object.entries(payload.memberAssignment))
      for (const partition of partitions) {
        const next = state.offsets[`${topic}/${partition}`];
        if (next !== undefined) consumer.seek({ topic, partition, offset: next });
      }
  });

  /** Which partitions have messages left to read, before reading starts (they hold the watermark back). */
  async function markUnread(): Promise<void> {
    const admin = o.kafka.admin();
    await admin.connect();
    try {
      for (const topic of [topics.impressions, topics.events])
        for (const end of await admin.fetchTopicOffsets(topic)) {
          const next = state.offsets[`${topic}/${end.partition}`] ?? end.low;
          state.setUnread(`${topic}/${end.partition}`, BigInt(end.high) > BigInt(next));
        }
    } finally {
      await admin.disconnect();
    }
  }

  return {
    async start() {
      await producer.connect();
      await markUnread();
      await consumer.connect();
      await consumer.subscribe({ topics: [topics.impressions, topics.events], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          const dead: Parameters<typeof toDeadLetterMessage>[0][] = [];
          for (const m of batch.messages) {
            if (!isRunning() || isStale()) break;
            if (state.seen(batch.topic, batch.partition, m.offset)) continue;
            if (batch.topic === topics.impressions) {
              const i = parseImpression(m.value);
              if (i) state.impression(i, `${batch.topic}/${batch.partition}`);
              metrics.folded.inc({ kind: i ? 'impression' : 'impression_unreadable' });
            } else {
              const r = parseRecordedEvent(m.value);
              if (r.ok) state.event(r.event, `${batch.topic}/${batch.partition}`);
              else dead.push({ message: m, topic: batch.topic, partition: batch.partition, reason: r.reason });
              metrics.folded.inc({ kind: r.ok ? r.event.type : 'malformed' });
            }
            state.advance(batch.topic, batch.partition, m.offset);
          }
          const last = batch.messages.at(-1);
          if (last)
            state.setUnread(
              `${batch.topic}/${batch.partition}`,
              BigInt(last.offset) + 1n < BigInt(batch.highWatermark),
            );
          await deadLetter(dead);
          metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
          metrics.eventTime.set(state.maxTime / 1000);
          await heartbeat();
        },
      });
    },
    async commit(offsets) {
      const list = Object.entries(offsets).flatMap(([tp, offset]) => {
        const cut = tp.lastIndexOf('/');
        return [{ topic: tp.slice(0, cut), partition: Number(tp.slice(cut + 1)), offset }];
      });
      // Partitions this member no longer owns refuse the commit; their new owner commits them.
      if (list.length > 0) await consumer.commitOffsets(list).catch(() => {});
    },
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
