// Builds the engines and stores the routes need from configuration and open connections: the one
// place that knows which implementation backs each interface.
import type { Registry } from 'prom-client';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import type { Redis } from '../../common/clients/redis.ts';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';
import { holdByRevision } from '../../common/revision-holder.ts';
import { type LearnedLookup, learnedLookup } from '../../ranking/learn/learned-lookup.ts';
import { profiles } from '../../ranking/profile.ts';
import { historySimilarity } from '../../recommender/serve/history-similarity.ts';
import { moreLikeThis } from '../../recommender/serve/more-like-this.ts';
import { createRails } from '../../recommender/serve/rails.ts';
import { createAnswerCache, noCache } from '../../stores/answer-cache.ts';
import { keySpace } from '../../stores/keys.ts';
import { redisLearnedStore } from '../../stores/learned-signals.ts';
import { type RecentSearches, redisRecentSearches } from '../../stores/recent-searches.ts';
import { redisRecsStore } from '../../stores/recommendations.ts';
import { type RuleStore, redisRuleStore } from '../../stores/rules.ts';
import type { AnswerDeps } from '../search/answers.ts';
import { createSearchEngine, type SearchEngine } from '../search/engine.ts';
import { watchLiveVersion } from '../search/live-version.ts';
import { holdVocabulary, type VocabularyHolder } from '../search/vocabulary-loader.ts';
import { createSuggestEngine, type SuggestEngine } from '../suggest/engine.ts';
import { type AdminAuth, adminAuth } from './admin-auth.ts';
import { type Impressions, impressionsTo } from './impressions.ts';
import type { Impression } from '../../events/impression.ts';
import type { EventRouteDeps } from './routes/events.ts';
import type { RecommendationDeps } from './routes/recommendations.ts';
import { BadRequestError } from '../../common/errors.ts';
import { type AnalyticsEngine, createAnalyticsEngine } from '../../analytics/engine.ts';
import { type ExperimentResults, experimentResults } from '../../analytics/experiment-results.ts';
import { analyticsIndices } from '../../analytics/indices.ts';
import type { Experiment } from '../../ranking/experiments/experiment.ts';
import { type ExperimentStore, redisExperimentStore } from '../../stores/experiments.ts';
import { customerId } from '../search/params.ts';

const CUSTOMER_ID = new RegExp(customerId.pattern);

/** What the routes are built from. */
export interface Services {
  search: SearchEngine;
  suggest: SuggestEngine;
  admin: AdminAuth;
  ruleStore: RuleStore;
  recentSearches?: RecentSearches;
  /** Gives every answer its query id and records what it showed; never awaited by a request. */
  impressions: Impressions;
  recommendations: RecommendationDeps;
  /** The customer id a request or event names, verified; throws BadRequestError naming the field. */
  customerOf: (given: string, field: string) => string;
  /** POST /events, once an event publisher is open. */
  events?: EventRouteDeps;
  /** Search analytics over the analytics indices. */
  analytics: AnalyticsEngine;
  analyticsMaxRangeDays: number;
  /** The service clock (analytics ranges end now by default). */
  now: () => number;
  experiments: ExperimentStore;
  experimentResults: (x: Experiment) => Promise<ExperimentResults>;
}

export interface QueryRuntime {
  services: Services;
  vocabulary: VocabularyHolder;
  /** The clock merchandiser rules' time windows are checked against (tests set it). */
  clock: { now: () => number };
  /** Where impressions are recorded, once a recorder is open (none: not recorded). */
  impressionSink: { record?: (i: Impression) => void };
}

export function createQueryRuntime(
  c: Config,
  es: EsClient,
  redis: Redis,
  log: Logger,
  registry: Registry,
): QueryRuntime {
  const keys = keySpace(c.redisPrefix);
  const live = watchLiveVersion(es, c.indexAlias);
  const vocabulary = holdVocabulary(es, c.indexAlias, live, log);
  const clock = { now: Date.now };
  const impressionSink: QueryRuntime['impressionSink'] = {};
  const cache = c.cacheEnabled
    ? createAnswerCache({
        redis,
        key: keys.answer,
        ttlSeconds: c.cacheTtlSeconds,
        staleSeconds: c.cacheStaleSeconds,
        maxBytes: c.cacheMaxMb * 2 ** 20,
        registry,
        log,
      })
    : noCache;
  const ruleStore = redisRuleStore(redis, keys.rules);
  const recsStore = redisRecsStore(redis, keys.recs, {
    pointerTtlMs: c.recsPointerTtlMs,
    cacheBytes: c.recsCacheMb * 2 ** 20,
  });
  const signals = redisLearnedStore(redis, keys.learned);
  const learned = holdByRevision<LearnedLookup>({
    revision: signals.revision,
    load: async () => learnedLookup(await signals.load()),
    initial: () => undefined,
    refreshMs: c.rulesRefreshMs,
    log,
    what: 'learned signals',
  });
  const experimentStore = redisExperimentStore(redis, keys.experiments, Object.keys(profiles));
  const indices = analyticsIndices(es, c.analyticsPrefix);
  const answers: AnswerDeps = {
    live,
    cache,
    learned,
    experiments: holdByRevision({
      revision: experimentStore.revision,
      load: experimentStore.all,
      initial: [],
      refreshMs: c.rulesRefreshMs,
      log,
      what: 'experiments',
    }),
    rules: holdByRevision({
      revision: ruleStore.revision,
      load: ruleStore.all,
      initial: [],
      refreshMs: c.rulesRefreshMs,
      log,
      what: 'merchandiser rules',
    }),
    now: () => clock.now(),
  };
  const recentSearches =
    c.recentSearches > 0
      ? redisRecentSearches(
          redis,
          { key: keys.recentSearches, keep: c.recentSearches, ttlSeconds: c.recentSearchesTtlDays * 86400 },
          log,
        )
      : undefined;
  const impressions = impressionsTo(impressionSink, () => clock.now());
  const services: Services = {
    search: createSearchEngine({
      ...answers,
      search: {
        es,
        alias: c.indexAlias,
        profiles,
        vocabulary: vocabulary.get,
        budgetMs: c.searchBudgetMs,
        learned: async (q) => (await learned.get()).value(q),
      },
      personal: historySimilarity(recsStore),
    }),
    suggest: createSuggestEngine({
      ...answers,
      suggest: { es, alias: c.indexAlias, budgetMs: c.suggestBudgetMs },
      ...(recentSearches ? { recentSearches } : {}),
    }),
    admin: adminAuth(c.adminKeys),
    ruleStore,
    analytics: createAnalyticsEngine(es, indices),
    analyticsMaxRangeDays: c.analyticsMaxRangeDays,
    now: () => clock.now(),
    experiments: experimentStore,
    experimentResults: (x) => experimentResults(es, indices, x, c.experimentsMinSearches),
    ...(recentSearches ? { recentSearches } : {}),
    impressions,
    customerOf: (given, field) => {
      if (!CUSTOMER_ID.test(given)) throw new BadRequestError(`${field} is not a customer id`, field);
      return given;
    },
    recommendations: {
      rails: createRails({
        store: recsStore,
        log,
        degradedSimilar: moreLikeThis(es, c.indexAlias, c.searchBudgetMs),
        maxSize: c.recsMaxSize,
      }),
      defaultSize: c.recsDefaultSize,
      maxSize: c.recsMaxSize,
      inStockByDefault: c.recsInStockOnly,
      answerCacheBytes: c.recsAnswerCacheMb * 2 ** 20,
      impressions,
    },
  };
  return { services, vocabulary, clock, impressionSink };
}
