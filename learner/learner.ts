// The learner process: waits for the lock (one learner runs, others stand by), restores the last
// checkpoint, folds impressions and shopper events as they arrive, publishes what changed at a
// cadence and checkpoints its state with the offsets it covers. Stopped, it publishes and
// checkpoints once more; killed, the next run replays from the last checkpoint. It also schedules
// the full retrain of the recommendation model (learner/retrain.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { createTopicsIfMissing, type Kafka } from '../common/clients/kafka.ts';
import type { Redis } from '../common/clients/redis.ts';
import { type Config, envOf } from '../common/config.ts';
import type { Logger } from '../common/logger.ts';
import { keySpace } from '../stores/keys.ts';
import { redisLearnedStore } from '../stores/learned-signals.ts';
import { redisLiveRails } from '../stores/live-rails.ts';
import { suggestionStoreFor } from '../stores/suggestions.ts';
import { createSuggestionPublisher } from './suggestion-publisher.ts';
import { redisLearnerCheckpoints } from '../stores/learner-checkpoint.ts';
import { createReadLoop, type LoopTopics } from './loop.ts';
import type { LearnerMetrics } from './metrics.ts';
import { productCategories } from './product-categories.ts';
import { createPublisher } from './publish.ts';
import { createRetrainSchedule } from './retrain.ts';
import { type LearnerLimits, type LearnerSnapshot, LearnerState } from './state.ts';

export const learnerTopicsOf = (c: Config): LoopTopics => ({
  impressions: c.impressionsTopic,
  events: c.shopperEventsTopic,
  deadLetter: `${c.shopperEventsTopic}.dlq`,
});

export const learnerLimitsOf = (c: Config): LearnerLimits => ({
  maxQueries: c.learnerMaxQueries,
  maxExposures: 20 * c.learnerMaxQueries,
  impressionWindowMs: c.learnerImpressionWindowS * 1000,
  maxImpressions: 500_000,
  dedupeWindowMs: 86_400_000,
  maxEventIds: 1_000_000,
  halfLifeDays: 30,
  suggestMinUsers: c.suggestMinUsers,
});

export interface LearnerDeps {
  config: Config;
  kafka: Kafka;
  redis: Redis;
  es: EsClient;
  log: Logger;
  metrics: LearnerMetrics;
  instance: string;
}

export interface Learner {
  /** Resolves once this instance holds the lock and reads. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const LOCK_TTL_MS = 15_000;

export function createLearner(d: LearnerDeps): Learner {
  const c = d.config;
  const keys = keySpace(c.redisPrefix);
  const checkpoints = redisLearnerCheckpoints<LearnerSnapshot>(d.redis, keys.learner);
  const learned = redisLearnedStore(d.redis, keys.learned);
  const topics = learnerTopicsOf(c);
  let stopping = false;
  let state: LearnerState | undefined;
  let loop: ReturnType<typeof createReadLoop> | undefined;
  const publisher = createPublisher({
    learned,
    rails: redisLiveRails(d.redis, keys.liveRails),
    suggestions: createSuggestionPublisher(suggestionStoreFor(d.redis, c), d.log),
    categories: productCategories(d.es, c.indexAlias),
    log: d.log,
    reestimateAfter: 50_000,
    reestimateEveryMs: 15_000,
    fullEveryMs: 10 * 60_000,
  });
  const timers: Promise<void>[] = [];
  const retrain = createRetrainSchedule({
    redis: d.redis,
    key: keys.learner.retrainedAt,
    everyMs: c.recsRetrainEveryMs,
    log: d.log,
    counted: (outcome) => d.metrics.retrains.inc({ outcome }),
    env: envOf(c),
  });

  async function publish(s: LearnerState): Promise<void> {
    // What this publication covers: the offsets before it takes the state's changes (synchronously).
    const offsets = { ...s.offsets };
    const end = d.metrics.publishSeconds.startTimer();
    const p = await publisher.publish(s);
    end();
    d.metrics.queries.set(s.clicks.queries);
    await checkpoints.setStatus({
      offsets,
      publishedAt: new Date().toISOString(),
      eventTime: new Date(s.maxTime).toISOString(),
      instance: d.instance,
    });
    if (p) d.log.debug(p, 'published');
  }

  /** How long the last checkpoint took. */
  let checkpointMs = 0;
  async function checkpoint(s: LearnerState): Promise<void> {
    const started = performance.now();
    const snapshot = s.snapshot();
    const bytes = await checkpoints.save(snapshot);
    d.metrics.checkpointBytes.set(bytes);
    checkpointMs = performance.now() - started;
    d.log.debug({ ms: Math.round(checkpointMs), bytes }, 'checkpointed');
    await loop?.commit(snapshot.offsets);
  }

  /** Runs `work` every `ms` until stopped; a failure is logged and tried again next time. */
  function every(ms: number | (() => number), what: string, work: () => Promise<void>): Promise<void> {
    return (async () => {
      while (!stopping) {
        await sleep(typeof ms === 'number' ? ms : ms());
        if (stopping) break;
        await work().catch((err: Error) => d.log.warn({ err: err.message }, `${what} failed; retrying`));
      }
    })();
  }

  return {
    async start() {
      while (!(await checkpoints.lock(d.instance, LOCK_TTL_MS))) {
        if (stopping) return;
        d.log.info('another learner holds the lock; standing by');
        await sleep(LOCK_TTL_MS / 3);
      }
      await createTopicsIfMissing(d.kafka, Object.values(topics), c.shopperEventsPartitions);
      const saved = await checkpoints.load();
      state = new LearnerState(learnerLimitsOf(c), saved);
      d.log.info({ restored: saved !== undefined, offsets: state.offsets }, 'learner starting');
      await publisher.adopt(await learned.load());
      loop = createReadLoop({
        kafka: d.kafka,
        groupId: c.learnerGroup,
        sessionTimeoutMs: 10_000,
        topics,
        state,
        deadLetterMaxBytes: c.deadLetterMaxBytes,
        metrics: d.metrics,
        log: d.log,
      });
      await loop.start();
      const s = state;
      timers.push(
        every(LOCK_TTL_MS / 3, 'lock renewal', async () => {
          if (!(await checkpoints.lock(d.instance, LOCK_TTL_MS))) {
            // Another instance took over (this one was too slow to renew): stop reading at once.
            d.log.error('lost the learner lock; stopping');
            stopping = true;
            await loop?.stop();
          }
        }),
        every(c.learnerPublishMs, 'publish', () => publish(s)),
        // A large state takes a second to serialize, on the thread that folds and publishes: spend at
        // most a tenth of the time on it, or every click waits behind it.
        every(
          () => Math.max(c.learnerCheckpointMs, 10 * checkpointMs),
          'checkpoint',
          () => checkpoint(s),
        ),
      );
      if (c.recsRetrainEveryMs > 0)
        // Looked at often enough to start within a tenth of the period of being due.
        timers.push(every(Math.min(c.recsRetrainEveryMs / 10, 60_000), 'retrain', () => retrain.runIfDue()));
    },
    async stop() {
      stopping = true;
      await retrain.stop();
      await Promise.all(timers);
      await loop?.stop();
      if (state) {
        await publish(state);
        await checkpoint(state);
      }
      await checkpoints.unlock(d.instance);
    },
  };
}
