// Every Redis key the project writes, in one place: what each family holds and whether it may be
// evicted. Caches and short-lived entries carry a TTL; what the shop cannot lose (rules, learned
// signals, published recommendations) never does, so a Redis with `maxmemory-policy volatile-lru`
// evicts only what can be recomputed.
import { recsKeys, type RecsKeys } from '../recommender/publish/keys.ts';

export interface KeySpace {
  /** Merchandiser rules: a hash by id, a revision counter readers poll, the audit list. Kept. */
  rules: { rules: string; revision: string; audit: string };
  /**
   * Learned click signals: a hash by normalized query, what they were learned from, a revision and
   * a stream of which queries each revision changed (readers catch up by it). Kept.
   */
  learned: { queries: string; meta: string; revision: string; changes: string };
  /** Published recommendation versions and the pointer to the current one. Kept (old versions are collected). */
  recs: RecsKeys;
  /** Published autocomplete suggestions: versions (snapshot chunks, deltas) and the pointer. Kept (old versions are collected). */
  suggestions: SuggestionKeys;
  /** A customer's recent searches (a list). Expires after the configured days without a search. */
  recentSearches: (customer: string) => string;
  /** Cached answers, by route, index version and parameters. Expire. */
  answer: (key: string) => string;
  /** Rate-limit counters (the plugin appends the client and route). Expire. */
  rateLimit: string;
  /** What the learner learns for the rails between trainings: trending and bought together (kept), each customer's recent items (expire). */
  liveRails: { trending: string; together: string; recent: (customer: string) => string; revision: string };
  /** Online experiments: a hash by id and a revision counter the service polls. Kept. */
  experiments: { experiments: string; revision: string };
  /** The learner: its checkpoint (state with the offsets it covers), its status, and who runs it. Kept; the lock expires. */
  learner: { checkpoint: string; status: string; lock: string; retrainedAt: string };
  /** Failed authentications of an IP in the current minute. Expire. */
  authFailures: (ip: string) => string;
}

export function keySpace(prefix: string): KeySpace {
  return {
    rules: { rules: `${prefix}rules`, revision: `${prefix}rules:revision`, audit: `${prefix}rules:audit` },
    learned: {
      queries: `${prefix}learned`,
      meta: `${prefix}learned:meta`,
      revision: `${prefix}learned:revision`,
      changes: `${prefix}learned:changes`,
    },
    recs: recsKeys(prefix),
    suggestions: suggestionKeys(prefix),
    recentSearches: (customer) => `${prefix}recent-searches:${customer}`,
    answer: (key) => `${prefix}cache:${key}`,
    rateLimit: `${prefix}ratelimit:`,
    liveRails: {
      trending: `${prefix}live:trending`,
      together: `${prefix}live:together`,
      recent: (customer) => `${prefix}live:recent:${customer}`,
      revision: `${prefix}live:revision`,
    },
    experiments: { experiments: `${prefix}experiments`, revision: `${prefix}experiments:revision` },
    learner: {
      checkpoint: `${prefix}learner:checkpoint`,
      status: `${prefix}learner:status`,
      lock: `${prefix}learner:lock`,
      retrainedAt: `${prefix}learner:retrained-at`,
    },
    authFailures: (ip) => `${prefix}authfail:${ip}`,
  };
}

export interface SuggestionKeys {
  current: string;
  /** Hash: version → time (ms) it stopped being current. */
  retired: string;
  /** Hash: entries, chunks, published_at, delta_changes. */
  meta(version: string): string;
  /** List of JSON chunks of [text, weight, source]. */
  chunks(version: string): string;
  /** List of JSON deltas. */
  deltas(version: string): string;
}

function suggestionKeys(prefix: string): SuggestionKeys {
  const base = `${prefix}suggest:`;
  return {
    current: `${base}current`,
    retired: `${base}retired`,
    meta: (v) => `${base}v:${v}:meta`,
    chunks: (v) => `${base}v:${v}:chunks`,
    deltas: (v) => `${base}v:${v}:deltas`,
  };
}
