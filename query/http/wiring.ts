// Builds the engines and stores the routes need from configuration and open connections: the one
// place that knows which implementation backs each interface.
import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import type { Redis } from '../../common/clients/redis.ts';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';
import { holdByRevision } from '../../common/revision-holder.ts';
import { holdLearned } from '../search/held-learned.ts';
import { profiles } from '../../ranking/profile.ts';
import { servableRules } from '../../ranking/rules/redirect.ts';
import { historySimilarity } from '../../recommender/serve/history-similarity.ts';
import { moreLikeThis } from '../../recommender/serve/more-like-this.ts';
import { createRails } from '../../recommender/serve/rails.ts';
import { createAnswerCache, noCache } from '../../stores/answer-cache.ts';
import { keySpace } from '../../stores/keys.ts';
import { redisLiveRails } from '../../stores/live-rails.ts';
import { redisLearnedStore } from '../../stores/learned-signals.ts';
import { type RecentSearches, redisRecentSearches } from '../../stores/recent-searches.ts';
import { redisRecsStore } from '../../stores/recommendations.ts';
import { type RuleStore, redisRuleStore } from '../../stores/rules.ts';
import { suggestionStoreFor } from '../../stores/suggestions.ts';
import type { AnswerDeps } from '../search/answers.ts';
import { createSearchEngine, type SearchEngine } from '../search/engine.ts';
import { watchLiveVersion } from '../search/live-version.ts';
import { holdVocabulary, type VocabularyHolder } from '../search/vocabulary-loader.ts';
import { createSuggestEngine, type SuggestEngine } from '../suggest/engine.ts';
import { type LiveSuggestions, liveSuggestions } from '../suggest/live-suggestions.ts';
import { productSuggestions } from '../suggest/product-suggestions.ts';
import { type AdminAuth, adminAuth } from './admin-auth.ts';
import { type Impressions, impressionsTo } from './impressions.ts';
import type { Impression } from '../../events/impression.ts';
import type { EventRouteDeps } from './routes/events.ts';
import { type Customers, customers } from './customers.ts';
import type { RecommendationDeps } from './routes/recommendations.ts';
import { type AnalyticsEngine, createAnalyticsEngine } from '../../analytics/engine.ts';
import { type ExperimentResults, experimentResults } from '../../analytics/experiment-results.ts';
import { analyticsIndices } from '../../analytics/indices.ts';
import type { Experiment } from '../../ranking/experiments/experiment.ts';
import { type ExperimentStore, redisExperimentStore } from '../../stores/experiments.ts';

/** What the routes are built from. */
export interface Services {
  search: SearchEngine;
  suggest: SuggestEngine;
  admin: AdminAuth;
  /** The verified customer a request names (signed token, or raw id where trusted). */
  customers: Customers;
  ruleStore: RuleStore;
  recentSearches?: RecentSearches;
  /** Gives every answer its query id and records what it showed; never awaited by a request. */
  impressions: Impressions;
  recommendations: RecommendationDeps;
  /** POST /events, once an event publisher is open. */
  events?: EventRouteDeps;
  /** Search analytics over the analytics indices. */
  analytics: AnalyticsEngine;
  analyticsMaxRangeDays: number;
  /** The service clock (analytics ranges end now by default). */
  now: () => number;
  experiments: ExperimentStore;
  experimentResults: (x: Experiment) => Promise<ExperimentResults>;
  /** The products' index name in the Algolia protocol (SHOP_ALGOLIA_INDEX). */
  algoliaIndex: string;
}

export interface QueryRuntime {
  services: Services;
  vocabulary: VocabularyHolder;
  /** The published suggestions held in memory (refreshed on a timer; stop it on shutdown). */
  suggestions: LiveSuggestions;
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
  const ruleStore = redisRuleStore(redis, keys.rules, { redirectHosts: c.redirectHosts });
  const recsStore = redisRecsStore(redis, keys.recs, {
    pointerTtlMs: c.recsPointerTtlMs,
    cacheBytes: c.recsCacheMb * 2 ** 20,
  });
  const liveRails = redisLiveRails(redis, keys.liveRails);
  const signals = redisLearnedStore(redis, keys.learned);
  const learned = holdLearned(signals, { refreshMs: c.rulesRefreshMs, log });
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
      load: async () => servableRules(await ruleStore.all(), c.redirectHosts),
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
  const suggestions = liveSuggestions(suggestionStoreFor(redis, c), {
    refreshMs: c.suggestRefreshMs,
    maxEntries: c.suggestMaxEntries,
    log,
    registry,
  });
  const services: Services = {
    search: createSearchEngine({
      ...answers,
      search: {
        es,
        alias: c.indexAlias,
        profiles,
        vocabulary: vocabulary.get,
        budgetMs: c.searchBudgetMs,
        cursorKey: c.cursorSecret || randomBytes(32).toString('base64url'),
        learned: async (q) => (await learned.get()).value(q),
      },
      personal: historySimilarity(recsStore, liveRails),
    }),
    suggest: createSuggestEngine({
      suggestions,
      products: productSuggestions(answers, {
        es,
        alias: c.indexAlias,
        size: 4,
        waitMs: c.suggestBudgetMs,
        timeoutMs: c.searchBudgetMs,
        maxInFlight: c.suggestProductConcurrency,
        cacheBytes: c.suggestProductCacheMb * 2 ** 20,
        ttlMs: (c.cacheTtlSeconds * 1000) / 2,
        registry,
      }),
      waitMs: c.suggestBudgetMs,
      experiments: answers.experiments,
      now: answers.now,
      ...(recentSearches ? { recentSearches } : {}),
    }),
    admin: adminAuth(c.adminKeys),
    customers: customers({ secrets: c.customerTokenSecrets, trustIds: c.trustCustomerIds }),
    ruleStore,
    analytics: createAnalyticsEngine(es, indices),
    analyticsMaxRangeDays: c.analyticsMaxRangeDays,
    algoliaIndex: c.algoliaIndex,
    now: () => clock.now(),
    experiments: experimentStore,
    experimentResults: (x) => experimentResults(es, indices, x, c.experimentsMinSearches),
    ...(recentSearches ? { recentSearches } : {}),
    impressions,
    recommendations: {
      rails: createRails({
        store: recsStore,
        log,
        degradedSimilar: moreLikeThis(es, c.indexAlias, c.searchBudgetMs),
        live: liveRails,
        maxSize: c.recsMaxSize,
        revisionTtlMs: c.recsPointerTtlMs,
      }),
      defaultSize: c.recsDefaultSize,
      maxSize: c.recsMaxSize,
      inStockByDefault: c.recsInStockOnly,
      answerCacheBytes: c.recsAnswerCacheMb * 2 ** 20,
      impressions,
    },
  };
  return { services, vocabulary, suggestions, clock, impressionSink };
}
