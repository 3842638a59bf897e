// Builds what the query routes need from configuration and open connections.
import type { Registry } from 'prom-client';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Redis } from '../common/clients/redis.ts';
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/logger.ts';
import { profiles } from '../ranking/profile.ts';
import { holdByRevision } from '../common/revision-holder.ts';
import { learnedLookup, type LearnedLookup } from '../ranking/learn/learned-lookup.ts';
import { learnedStore } from '../ranking/learn/learned-store.ts';
import { ruleStore, type RuleStore } from '../ranking/rules/rule-store.ts';
import { recsKeys } from '../recommender/publish/keys.ts';
import { moreLikeThis } from '../recommender/serve/more-like-this.ts';
import { createRails } from '../recommender/serve/rails.ts';
import { historySimilarity } from '../recommender/serve/history-similarity.ts';
import { redisRecsStore } from '../recommender/serve/store.ts';
import { adminAuth } from './admin-auth.ts';
import { createResponseCache, noCache } from './cache/response-cache.ts';
import type { QueryDeps } from './listing.ts';
import type { RecommendationDeps } from './routes/recommendations.ts';
import { watchLiveVersion } from './live-version.ts';
import { holdVocabulary, type VocabularyHolder } from './search/vocabulary-loader.ts';
import { redisRecentSearches } from './suggest/recent-searches.ts';

export interface QueryRuntime {
  deps: QueryDeps;
  recommendations: RecommendationDeps;
  vocabulary: VocabularyHolder;
  ruleStore: RuleStore;
}

export function createQueryDeps(c: Config, es: EsClient, redis: Redis, log: Logger, registry: Registry): QueryRuntime {
  const live = watchLiveVersion(es, c.indexAlias);
  const vocabulary = holdVocabulary(es, c.indexAlias, live, log);
  const cache = c.cacheEnabled
    ? createResponseCache({
        redis,
        prefix: `${c.redisPrefix}cache:`,
        ttlSeconds: c.cacheTtlSeconds,
        staleSeconds: c.cacheStaleSeconds,
        maxEntries: c.cacheMaxEntries,
        registry,
        log,
      })
    : noCache;
  const rules = ruleStore(redis, c.redisPrefix);
  const recsStore = redisRecsStore(redis, recsKeys(c.redisPrefix), {
    pointerTtlMs: c.recsPointerTtlMs,
    cacheEntries: c.recsCacheEntries,
  });
  const signals = learnedStore(redis, c.redisPrefix);
  const learned = holdByRevision<LearnedLookup>({
    revision: signals.revision,
    load: async () => learnedLookup(await signals.load()),
    initial: () => undefined,
    refreshMs: c.rulesRefreshMs,
    log,
    what: 'learned signals',
  });
  return {
    ruleStore: rules,
    deps: {
      search: {
        es,
        alias: c.indexAlias,
        profiles,
        vocabulary: vocabulary.get,
        budgetMs: c.searchBudgetMs,
        learned: async (q) => (await learned.get()).value(q),
      },
      suggest: { es, alias: c.indexAlias, budgetMs: c.suggestBudgetMs },
      live,
      cache,
      rules: holdByRevision({
        revision: rules.revision,
        load: rules.all,
        initial: [],
        refreshMs: c.rulesRefreshMs,
        log,
        what: 'merchandiser rules',
      }),
      learned,
      admin: adminAuth(c.adminKeys),
      personal: historySimilarity(recsStore),
      ...(c.recentSearches > 0
        ? {
            recentSearches: redisRecentSearches(
              redis,
              { prefix: c.redisPrefix, keep: c.recentSearches, ttlSeconds: c.recentSearchesTtlDays * 86400 },
              log,
            ),
          }
        : {}),
      now: Date.now,
    },
    vocabulary,
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
      answerCacheEntries: c.recsAnswerCacheEntries,
    },
  };
}
