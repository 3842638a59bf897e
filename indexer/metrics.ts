// What the indexer counts and times, on the registry it is given.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createIndexerMetrics(registry: Registry) {
  const registers = [registry];
  /** Per lane, the age in seconds of its oldest event not yet written or dead-lettered. */
  const oldestSources = new Map<string, () => number>();
  return {
    /** Reports the lane's oldest unprocessed event from `ageSeconds` whenever metrics are read. */
    watchOldest(lane: string, ageSeconds: () => number): void {
      oldestSources.set(lane, ageSeconds);
    },
    oldestUnprocessed: new Gauge({
      name: 'shop_indexer_oldest_unprocessed_seconds',
      help: 'Age of the oldest event a lane has fetched but not yet written or dead-lettered (0 when caught up)',
      labelNames: ['lane'],
      registers,
      collect() {
        for (const [lane, age] of oldestSources) this.set({ lane }, age());
      },
    }),
    laneLag: new Gauge({
      name: 'shop_indexer_lane_lag',
      help: 'Messages behind the end of all partitions of a lane, at their last batches',
      labelNames: ['lane'],
      registers,
    }),
    deadLetterLost: new Counter({
      name: 'shop_indexer_dead_letters_lost_total',
      help: 'Dead letters the dead-letter topic refused even without their value (logged with their source offset)',
      labelNames: ['lane'],
      registers,
    }),
    consumed: new Counter({
      name: 'shop_indexer_events_consumed_total',
      help: 'Events read from Kafka',
      labelNames: ['lane'],
      registers,
    }),
    indexed: new Counter({
      name: 'shop_indexer_events_indexed_total',
      help: 'Products written (written) and events that changed nothing (unchanged)',
      labelNames: ['lane', 'result'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'shop_indexer_events_dead_lettered_total',
      help: 'Events sent to the dead-letter topic',
      labelNames: ['lane', 'kind'],
      registers,
    }),
    retries: new Counter({
      name: 'shop_indexer_retries_total',
      help: 'Transient failures retried with backoff',
      labelNames: ['lane'],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'shop_indexer_batch_seconds',
      help: 'Time to merge and write one batch',
      labelNames: ['lane'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    lag: new Gauge({
      name: 'shop_indexer_consumer_lag',
      help: 'Messages behind the end of the partition, at the last batch',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    eventToWrite: new Histogram({
      name: 'shop_indexer_event_to_write_seconds',
      help: 'From the event (its ts, else its Kafka timestamp) to its bulk write; searchable one refresh interval later at most',
      labelNames: ['lane'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    }),
    paused: new Gauge({
      name: 'shop_indexer_paused',
      help: '1 while a lane waits out Elasticsearch push-back',
      labelNames: ['lane'],
      registers,
    }),
  };
}

export type IndexerMetrics = ReturnType<typeof createIndexerMetrics>;
