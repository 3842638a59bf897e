// What every cached answer of the query tier shares: the live index version and the merchandiser
// rules and learned signals in force, which together with the request make the cache key, so an
// answer from an older version, rule set or learned state is never served.
import { createHash } from 'node:crypto';
import type { Held } from '../../common/revision-holder.ts';
import type { LearnedLookup } from '../../ranking/learn/learned-lookup.ts';
import { composeRules, type RuleEffects } from '../../ranking/rules/compose.ts';
import { applicableRules, type RuleContext } from '../../ranking/rules/match.ts';
import { type Experiment, rulesOfVariant, type Variant } from '../../ranking/experiments/experiment.ts';
import type { Rule } from '../../ranking/rules/rule.ts';
import type { AnswerCache, CacheSource } from '../../stores/answer-cache.ts';
import type { LiveVersion } from './live-version.ts';

export interface AnswerDeps {
  live: LiveVersion;
  cache: AnswerCache;
  rules: Held<readonly Rule[]>;
  /** What shoppers chose per query, learned from clicks. */
  learned: Held<LearnedLookup>;
  /** Online experiments (stores/experiments.ts); a session in one gets its variant. */
  experiments: Held<readonly Experiment[]>;
  /** The clock rule windows are checked against (tests set it). */
  now: () => number;
}

/** An answer, where it came from and the index version it is for. */
export interface Answer<T> {
  value: T & { stale?: boolean };
  source: CacheSource;
  version: string;
}

export const cacheKey = (route: string, version: string, params: unknown): string =>
  `${route}:${version}:${createHash('sha1').update(JSON.stringify(params)).digest('base64url')}`;

/** Answers through the cache; a stale answer (the backend failed) says so. */
export async function cachedAnswer<T extends object>(
  d: AnswerDeps,
  route: string,
  params: unknown,
  compute: () => Promise<T>,
): Promise<Answer<T>> {
  const version = await d.live.get();
  const { value, source } = await d.cache.get(cacheKey(route, version, params), compute);
  return { value: source === 'stale' ? { ...value, stale: true } : value, source, version };
}

/**
 * The merchandiser rules for a request, and a key that changes whenever the ranking may (the rules
 * that fire, the rules' and the learned signals' revisions), for caches.
 */
export async function rulesFor(
  d: AnswerDeps,
  ctx: Omit<RuleContext, 'now'>,
  /** An experiment variant's rule set (all rules when absent). */
  selection?: Variant['rules'],
): Promise<{ effects: RuleEffects; key: string }> {
  const [{ value: rules, revision }, learned] = await Promise.all([d.rules.get(), d.learned.get()]);
  const applicable = applicableRules(rulesOfVariant(rules, selection), { ...ctx, now: d.now() });
  return {
    effects: composeRules(applicable),
    key: `${revision}:${learned.revision}:${applicable.map((r) => r.id).join(',')}`,
  };
}
