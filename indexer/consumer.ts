// The indexer: two consumer lanes (priority and normal) that turn change events into index writes.
// Per batch: parse and validate ▸ merge per product ▸ one mget + one bulk per write target ▸
// dead-letter what can never be written ▸ commit the batch's offsets. Offsets are committed only
// after everything they cover is written or dead-lettered, so a crash replays, never skips; replays
// are harmless because the merge is idempotent. Transient failures are waited out; a request
// Elasticsearch refuses is split until the offending events are found and dead-lettered, so no
// event can stall a lane.
import type { Consumer, EachBatchPayload, KafkaMessage, Message, Producer } from 'kafkajs';
import { chunksOf } from '../common/chunks.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { createProducer, type Kafka } from '../common/clients/kafka.ts';
import type { Logger } from '../common/logger.ts';
import { writeTargets } from '../mappings/lifecycle.ts';
import { type DeadLetter, sendChunks, toDeadLetterMessage } from './dead-letter.ts';
import { failureReason, TransientWriteError } from './failures.ts';
import { parseEvent, type ProductEvent } from './event.ts';
import type { IndexerMetrics } from './metrics.ts';
import { RetryAborted, type RetryHooks, retryTransient, type Backoff } from './retry.ts';
import type { EventTopics } from './topics.ts';
import { writeEventsSplitting } from './writer.ts';

export interface IndexerOptions {
  kafka: Kafka;
  es: EsClient;
  log: Logger;
  metrics: IndexerMetrics;
  alias: string;
  topics: EventTopics;
  groupId: string;
  concurrency: number;
  sessionTimeoutMs: number;
  batchSize: number;
  batchBytes: number;
  maxEventBytes: number;
  /** Most bytes in one dead-letter send; a record's value is cut to a quarter of it. */
  deadLetterMaxBytes: number;
  backoff: Backoff;
}

export interface Indexer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Parsed {
  event: ProductEvent;
  message: KafkaMessage;
}

/** Splits a batch into chunks bounded by count and bytes. */
export const chunkMessages = (messages: KafkaMessage[], maxCount: number, maxBytes: number): KafkaMessage[][] =>
  chunksOf(messages, (m) => m.value?.length ?? 0, maxBytes, maxCount);

function createLane(
  o: IndexerOptions,
  lane: 'priority' | 'normal',
  topic: string,
  groupId: string,
  producer: Producer,
) {
  const log = o.log.child({ component: 'indexer', lane });
  const consumer: Consumer = o.kafka.consumer({
    groupId,
    sessionTimeout: o.sessionTimeoutMs,
    heartbeatInterval: Math.min(3000, o.sessionTimeoutMs / 3),
    // A few bulks' worth per partition: enough for full-size bulks, more would only sit in memory
    // while Elasticsearch is the bottleneck.
    maxBytesPerPartition: 2 * 2 ** 20,
    maxBytes: 6 * 2 ** 20,
  });

  async function writeAll(events: ProductEvent[]): Promise<Map<ProductEvent, string>> {
    const rejected = new Map<ProductEvent, string>();
    if (events.length === 0) return rejected;
    const targets = await writeTargets(o.es, o.alias);
    if (targets.length === 0)
      throw new TransientWriteError(`no index behind ${o.alias}; create one with \`index ensure\``);
    for (const target of targets) {
      const r = await writeEventsSplitting(o.es, target, events);
      o.metrics.indexed.inc({ lane, result: 'written' }, r.written);
      o.metrics.indexed.inc({ lane, result: 'unchanged' }, r.unchanged);
      for (const x of r.rejected) rejected.set(x.event, `${target}: ${x.reason}`);
    }
    return rejected;
  }

  /**
   * Sends dead letters, waiting out transient failures. A send the topic refuses is split; a record
   * it refuses alone is sent once more without its value (headers keep size and hash), and if even
   * that is refused it is logged with its source offset and counted, never retried forever.
   */
  async function sendDeadLetters(records: Message[], hooks: RetryHooks, stripped = false): Promise<void> {
    try {
      await retryTransient(
        () => producer.send({ topic: o.topics.deadLetter, acks: -1, messages: records }),
        o.backoff,
        hooks,
      );
    } catch (err) {
      if (err instanceof RetryAborted) throw err;
      if (records.length > 1) {
        for (const r of records) await sendDeadLetters([r], hooks);
      } else if (!stripped) {
        await sendDeadLetters([{ ...records[0]!, value: null }], hooks, true);
      } else {
        o.metrics.deadLetterLost.inc({ lane });
        log.error({ err: failureReason(err), headers: records[0]!.headers }, 'dead letter refused by its topic');
      }
    }
  }

  // Per partition, when the oldest event fetched but not yet written or dead-lettered was made.
  const pendingSince = new Map<number, number>();
  o.metrics.watchOldest(lane, () => {
    const oldest = Math.min(...pendingSince.values());
    return Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) / 1000 : 0;
  });
  const partitionLag = new Map<number, number>();

  async function handleChunk(p: EachBatchPayload, messages: KafkaMessage[]): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = p;
    const t0 = performance.now();
    const parsed: Parsed[] = [];
    const dead: DeadLetter[] = [];
    for (const message of messages) {
      const r = parseEvent(message.value, message.key, o.maxEventBytes);
      if (r.ok) parsed.push({ event: r.event, message });
      else dead.push({ message, topic: batch.topic, partition: batch.partition, reason: r.reason });
    }
    o.metrics.consumed.inc({ lane }, messages.length);
    const invalid = dead.length;
    const hooks = {
      shouldContinue: () => isRunning() && !isStale(),
      onRetry: async (err: unknown, attempt: number, delayMs: number) => {
        o.metrics.retries.inc({ lane });
        if (attempt === 0) {
          // Push-back: stop fetching until the writes go through, instead of buffering more.
          consumer.pause([{ topic }]);
          o.metrics.paused.set({ lane }, 1);
        }
        log.warn(
          { err: (err as Error).message, attempt, delayMs, partition: batch.partition },
          'write failed, retrying',
        );
        await heartbeat();
      },
    };
    const rejected = await retryTransient(() => writeAll(parsed.map((x) => x.event)), o.backoff, hooks);
    if (consumer.paused().length > 0) {
      consumer.resume([{ topic }]);
      o.metrics.paused.set({ lane }, 0);
    }
    for (const x of parsed) {
      const reason = rejected.get(x.event);
      if (reason) dead.push({ message: x.message, topic: batch.topic, partition: batch.partition, reason });
    }
    if (dead.length > 0) {
      const records = dead.map((d) => toDeadLetterMessage(d, Math.floor(o.deadLetterMaxBytes / 4)));
      for (const chunk of sendChunks(records, o.deadLetterMaxBytes)) await sendDeadLetters(chunk, hooks);
      o.metrics.deadLettered.inc({ lane, kind: 'invalid' }, invalid);
      o.metrics.deadLettered.inc({ lane, kind: 'rejected' }, dead.length - invalid);
      log.warn({ count: dead.length, first: dead[0]!.reason }, 'events dead-lettered');
    }
    const now = Date.now();
    for (const x of parsed) {
      const at = x.event.ts ? Date.parse(x.event.ts) : Number(x.message.timestamp);
      if (Number.isFinite(at)) o.metrics.eventToWrite.observe({ lane }, Math.max(0, now - at) / 1000);
    }
    o.metrics.batchSeconds.observe({ lane }, (performance.now() - t0) / 1000);
  }

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: o.concurrency,
        eachBatch: async (p) => {
          const { batch } = p;
          for (const chunk of chunkMessages(batch.messages, o.batchSize, o.batchBytes)) {
            if (!p.isRunning() || p.isStale()) return;
            pendingSince.set(batch.partition, Number(chunk[0]!.timestamp));
            try {
              await handleChunk(p, chunk);
            } catch (e) {
              pendingSince.delete(batch.partition);
              if (e instanceof RetryAborted) return; // the next owner of the partition replays it
              throw e;
            }
            const last = chunk[chunk.length - 1]!.offset;
            p.resolveOffset(last);
            await consumer.commitOffsets([
              { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
            ]);
            await p.heartbeat();
          }
          pendingSince.delete(batch.partition);
          const lag = Number(batch.offsetLag());
          o.metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, lag);
          partitionLag.set(batch.partition, lag);
          o.metrics.laneLag.set(
            { lane },
            [...partitionLag.values()].reduce((a, b) => a + b, 0),
          );
        },
      });
      log.info({ topic, groupId }, 'lane started');
    },
    stop: () => consumer.disconnect(),
  };
}

export function createIndexer(o: IndexerOptions): Indexer {
  const producer = createProducer(o.kafka);
  const lanes = [
    createLane(o, 'priority', o.topics.priority, `${o.groupId}.priority`, producer),
    createLane(o, 'normal', o.topics.normal, o.groupId, producer),
  ];
  return {
    async start() {
      await producer.connect();
      for (const lane of lanes) await lane.start();
    },
    async stop() {
      await Promise.all(lanes.map((l) => l.stop()));
      await producer.disconnect();
    },
  };
}
