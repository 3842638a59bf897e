// What the learner counts and times.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createLearnerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    folded: new Counter({
      name: 'shop_learner_folded_total',
      help: 'Impressions and events folded into the state, by kind',
      labelNames: ['kind'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'shop_learner_dead_lettered_total',
      help: 'Malformed events sent to the dead-letter topic',
      registers,
    }),
    lag: new Gauge({
      name: 'shop_learner_consumer_lag',
      help: 'Messages behind the end of the partition, at the last batch',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    publishSeconds: new Histogram({
      name: 'shop_learner_publish_seconds',
      help: 'Time to derive and write one publication',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    checkpointBytes: new Gauge({
      name: 'shop_learner_checkpoint_bytes',
      help: 'Size of the last checkpoint',
      registers,
    }),
    queries: new Gauge({ name: 'shop_learner_queries', help: 'Queries with learned clicks', registers }),
    retrains: new Counter({
      name: 'shop_learner_retrains_total',
      help: 'Scheduled retrains of the recommendation model, by outcome (ok, failed, stopped)',
      labelNames: ['outcome'],
      registers,
    }),
    eventTime: new Gauge({
      name: 'shop_learner_event_time_seconds',
      help: 'The latest event time folded in (the learner clock)',
      registers,
    }),
  };
}

export type LearnerMetrics = ReturnType<typeof createLearnerMetrics>;
