// What the analytics consumer counts and times.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createAnalyticsMetrics(registry: Registry) {
  const registers = [registry];
  return {
    read: new Counter({
      name: 'shop_analytics_read_total',
      help: 'Messages read, by kind (impression, event, skipped: unreadable or invalid)',
      labelNames: ['kind'],
      registers,
    }),
    written: new Counter({ name: 'shop_analytics_written_total', help: 'Bulk items written', registers }),
    rejected: new Counter({
      name: 'shop_analytics_rejected_total',
      help: 'Bulk items Elasticsearch refused for good (never retried)',
      registers,
    }),
    retries: new Counter({
      name: 'shop_analytics_retries_total',
      help: 'Batches written again after a transient failure',
      registers,
    }),
    lag: new Gauge({
      name: 'shop_analytics_consumer_lag',
      help: 'Messages behind the end of the partition, at the last batch',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    bulkSeconds: new Histogram({
      name: 'shop_analytics_bulk_seconds',
      help: 'Time to write one batch',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    deletedIndices: new Counter({
      name: 'shop_analytics_deleted_indices_total',
      help: 'Daily indices deleted by retention',
      registers,
    }),
  };
}

export type AnalyticsMetrics = ReturnType<typeof createAnalyticsMetrics>;
