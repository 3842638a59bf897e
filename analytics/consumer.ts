// The analytics consumer: its own consumer group over the impressions and events topics (beside the
// learner, which reads the same topics for what the service serves), writing each batch to the
// daily analytics indices and committing its offsets only once Elasticsearch has it. At least
// once, idempotent writes: a crash replays from the last commit and changes nothing. Elasticsearch
// down: the batch waits and is retried with backoff (the consumer pauses); a record Elasticsearch
// refuses for good is counted and skipped. Malformed events are skipped here and dead-lettered by
// the learner (one dead letter per event, not one per consumer).
import { errors } from '@elastic/elasticsearch';
import type { Consumer } from 'kafkajs';
import type { Kafka } from '../common/clients/kafka.ts';
import type { Logger } from '../common/logger.ts';
import { type Impression, parseImpression } from '../events/impression.ts';
import { parseRecordedEvent, type RecordedEvent } from '../events/shopper-event.ts';
import { RetryAborted, retryTransient } from '../indexer/retry.ts';
import type { AnalyticsMetrics } from './metrics.ts';
import { type AnalyticsWriter, TransientWriteError } from './writer.ts';

export interface AnalyticsConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: { impressions: string; events: string };
  writer: AnalyticsWriter;
  metrics: AnalyticsMetrics;
  log: Logger;
  backoff: { baseMs: number; maxMs: number };
}

export interface AnalyticsConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Worth waiting for: Elasticsearch unreachable, slow, overloaded or failing an item for now. Anything
 * else (a request refused as such, a record this code cannot handle) fails the same way every time.
 */
const transient = (err: unknown): boolean => {
  if (err instanceof TransientWriteError) return true;
  if (err instanceof errors.ResponseError) return err.statusCode === 429 || (err.statusCode ?? 0) >= 500;
  return (
    err instanceof errors.ConnectionError ||
    err instanceof errors.TimeoutError ||
    err instanceof errors.NoLivingConnectionsError
  );
};

export function createAnalyticsConsumer(o: AnalyticsConsumerOptions): AnalyticsConsumer {
  // A crashed consumer's partitions go to another within 10 s (as the learner's).
  const consumer: Consumer = o.kafka.consumer({ groupId: o.groupId, sessionTimeout: 10_000, heartbeatInterval: 3000 });
  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: [o.topics.impressions, o.topics.events], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          const impressions: Impression[] = [];
          const events: RecordedEvent[] = [];
          for (const m of batch.messages) {
            if (batch.topic === o.topics.impressions) {
              const i = parseImpression(m.value);
              if (i) impressions.push(i);
              o.metrics.read.inc({ kind: i ? 'impression' : 'skipped' });
            } else {
              const r = parseRecordedEvent(m.value);
              if (r.ok) events.push(r.event);
              o.metrics.read.inc({ kind: r.ok ? 'event' : 'skipped' });
            }
          }
          const write = async () => {
            const end = o.metrics.bulkSeconds.startTimer();
            try {
              return await o.writer.write(impressions, events);
            } catch (err) {
              if (transient(err)) throw err;
              o.log.error(
                { err: (err as Error).message, count: batch.messages.length },
                'batch cannot be written; skipped',
              );
              return { written: 0, rejected: impressions.length + events.length };
            } finally {
              end();
            }
          };
          let paused = false;
          try {
            const r = await retryTransient(write, o.backoff, {
              shouldContinue: () => isRunning() && !isStale(),
              onRetry: async (err, attempt, delayMs) => {
                o.metrics.retries.inc();
                if (!paused) consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
                paused = true;
                o.log.warn({ err: (err as Error).message, attempt, delayMs }, 'analytics write failed, retrying');
                await heartbeat();
              },
            });
            o.metrics.written.inc(r.written);
            if (r.rejected > 0) {
              o.metrics.rejected.inc(r.rejected);
              o.log.warn({ count: r.rejected, reason: 'reason' in r ? r.reason : undefined }, 'records refused');
            }
          } catch (err) {
            if (err instanceof RetryAborted) return; // stopping or rebalanced: the next owner writes it
            throw err;
          } finally {
            if (paused) consumer.resume([{ topic: batch.topic, partitions: [batch.partition] }]);
          }
          const last = batch.messages.at(-1);
          if (last)
            await consumer.commitOffsets([
              { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
            ]);
          o.metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
          await heartbeat();
        },
      });
    },
    async stop() {
      await consumer.disconnect();
    },
  };
}
