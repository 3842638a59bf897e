// Builds what the query routes need from configuration and open connections.
import type { Registry } from 'prom-client';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Redis } from '../common/clients/redis.ts';
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/logger.ts';
import { profiles } from '../ranking/profile.ts';
import { createResponseCache, noCache } from './cache/response-cache.ts';
import type { QueryDeps } from './listing.ts';
import { watchLiveVersion } from './live-version.ts';
import { holdVocabulary, type VocabularyHolder } from './search/vocabulary-loader.ts';

export interface QueryRuntime {
  deps: QueryDeps;
  vocabulary: VocabularyHolder;
}

export function createQueryDeps(c: Config, es: EsClient, redis: Redis, log: Logger, registry: Registry): QueryRuntime {
  const live = watchLiveVersion(es, c.indexAlias);
  const vocabulary = holdVocabulary(es, c.indexAlias, live, log);
  const cache = c.cacheEnabled
    ? createResponseCache({ redis, prefix: `${c.redisPrefix}cache:`, ttlSeconds: c.cacheTtlSeconds, staleSeconds: c.cacheStaleSeconds, maxEntries: c.cacheMaxEntries, registry, log })
    : noCache;
  return {
    deps: {
      search: { es, alias: c.indexAlias, profiles, vocabulary: vocabulary.get, budgetMs: c.searchBudgetMs },
      suggest: { es, alias: c.indexAlias, budgetMs: c.suggestBudgetMs },
      live,
      cache,
    },
    vocabulary,
  };
}
