// What search, category pages and product pages share: Elasticsearch, the live version, the cache.
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { composeRules, type RuleEffects } from '../ranking/rules/compose.ts';
import type { Held } from '../common/revision-holder.ts';
import type { LearnedLookup } from '../ranking/learn/learned-lookup.ts';
import type { Rule } from '../ranking/rules/rule.ts';
import { applicableRules, type RuleContext } from '../ranking/rules/match.ts';
import type { HistorySimilarity } from '../recommender/serve/history-similarity.ts';
import type { AdminAuth } from './admin-auth.ts';
import type { ResponseCache } from './cache/response-cache.ts';
import type { LiveVersion } from './live-version.ts';
import type { SearchContext } from './search/search-service.ts';
import type { RecentSearches } from './suggest/recent-searches.ts';
import type { SuggestContext } from './suggest/suggest-service.ts';

export interface QueryDeps {
  search: SearchContext;
  suggest: SuggestContext;
  live: LiveVersion;
  cache: ResponseCache;
  rules: Held<readonly Rule[]>;
  /** What shoppers chose per query, learned from clicks. */
  learned: Held<LearnedLookup>;
  admin: AdminAuth;
  /** Similarity of products to a customer's recent items (the recommender's embeddings); off when absent. */
  personal?: HistorySimilarity;
  /** The clock rule windows are checked against (tests set it). */
  now: () => number;
  /** Records searches for autocomplete; never awaited by a request. */
  recordSearch?: (query: string, total: number, customer?: string) => void;
  /** Each customer's own recent searches, offered first in their autocomplete; off when absent. */
  recentSearches?: RecentSearches;
}

export const cacheKey = (route: string, version: string, params: unknown): string =>
  `${route}:${version}:${createHash('sha1').update(JSON.stringify(params)).digest('base64url')}`;

/** Answers through the cache, saying where the answer came from and which index version it is for. */
export async function cachedAnswer<T extends object>(
  deps: QueryDeps,
  reply: FastifyReply,
  route: string,
  params: unknown,
  compute: () => Promise<T>,
): Promise<T & { stale?: boolean }> {
  const version = await deps.live.get();
  const { value, source } = await deps.cache.get(cacheKey(route, version, params), compute);
  reply.header('x-cache', source).header('x-index-version', version);
  return source === 'stale' ? { ...value, stale: true } : value;
}

/**
 * The merchandiser rules for a request, and a key that changes whenever the ranking may (the rules
 * that fire, the rules' and the learned signals' revisions), for caches.
 */
export async function rulesFor(
  deps: QueryDeps,
  ctx: Omit<RuleContext, 'now'>,
): Promise<{ effects: RuleEffects; key: string }> {
  const [{ value: rules, revision }, learned] = await Promise.all([deps.rules.get(), deps.learned.get()]);
  const applicable = applicableRules(rules, { ...ctx, now: deps.now() });
  return {
    effects: composeRules(applicable),
    key: `${revision}:${learned.revision}:${applicable.map((r) => r.id).join(',')}`,
  };
}
