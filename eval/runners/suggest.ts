// eval suggest: builds the suggestions from an earlier log (and the catalog) into the in-memory
// index the service holds (query/suggest/index, the same code), then replays each later query as
// the prefixes a shopper would type and asks whether the query they finally searched is among the
// first k suggestions. The same replay runs against the baseline (the most
// frequent earlier queries starting with the prefix) in the same run. Identical queries are
// replayed once and weighted by how often they were searched; answers are memoized per prefix.
// A second replay goes search by search with each shopper's own earlier searches offered first,
// as the service does for a customer (their history grows as the replay goes on, like the service's).
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { createProgress } from '../../common/progress.ts';
import { normalizeSuggestion } from '../../query/suggest/normalize.ts';
import { recentFirst } from '../../query/suggest/recent-first.ts';
import { suggestionEntries, type LoggedSearch } from '../../query/suggest/build/sources.ts';
import { buildSuggestionIndex } from '../../query/suggest/index/suggestion-index.ts';

export interface SuggestEvalOptions {
  es: EsClient;
  alias: string;
  train: LoggedSearch[];
  test: LoggedSearch[];
  k: number;
  minUsers: number;
  withCatalog: boolean;
  /** Prefixes longer than this are not replayed (long queries are rare and slow to replay). */
  maxPrefix: number;
  /** Recent searches kept per shopper for the search-by-search replay, and how long. */
  keepRecent: number;
  recentTtlMs: number;
  interrupted?: () => boolean;
}

export interface SuggestMetrics {
  [metric: string]: number;
}

export type Suggester = (prefix: string) => Promise<string[]>;

/** The baseline: earlier queries that start with the prefix, most frequent first. */
export function prefixBaseline(train: LoggedSearch[], k: number): Suggester {
  const counts = new Map<string, number>();
  for (const s of train) {
    const q = normalizeSuggestion(s.query);
    if (q) counts.set(q, (counts.get(q) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return async (prefix) => {
    const out: string[] = [];
    for (const [q] of sorted) {
      if (q.startsWith(prefix)) out.push(q);
      if (out.length === k) break;
    }
    return out;
  };
}

/**
 * The best any ordering of these candidates could do: those starting with the prefix, ranked by how
 * often the replayed period itself searched them. Only a phrase starting with the prefix can be the
 * query being typed, and ranking by count maximizes the weighted reciprocal ranks, so for MRR@k this
 * is a true ceiling (for keystrokes saved, a close one).
 */
export function oracle(candidates: Iterable<string>, test: Map<string, number>, k: number): Suggester {
  const sorted = [...new Set(candidates)]
    .filter((q) => test.has(q))
    .sort((a, b) => test.get(b)! - test.get(a)! || (a < b ? -1 : 1));
  return async (prefix) => sorted.filter((q) => q.startsWith(prefix)).slice(0, k);
}

/** A replayed query, searched `count` times; `recent`: the searcher's own earlier searches, newest first. */
export interface ReplayCase {
  query: string;
  count: number;
  recent?: readonly string[];
}

export const casesOf = (test: Map<string, number>): ReplayCase[] =>
  [...test].map(([query, count]) => ({ query, count }));

/**
 * Each later search on its own, with what the service would hold as the shopper's recent searches
 * at that moment: their training-period searches, then the replayed ones before it, forgotten after
 * `ttlMs` without a search. (The service keeps only searches that found something; a log without
 * result counts keeps them all.)
 */
export function casesWithHistory(
  train: LoggedSearch[],
  test: LoggedSearch[],
  keep: number,
  ttlMs: number,
): ReplayCase[] {
  const history = new Map<string, { recent: string[]; last: number }>();
  const recentOf = (user: string, time: number) => {
    const h = history.get(user);
    return h && time - h.last <= ttlMs ? h.recent : [];
  };
  const remember = (s: LoggedSearch, q: string) => {
    if (!s.user || !q) return;
    const time = s.time ?? 0;
    history.set(s.user, { recent: [q, ...recentOf(s.user, time).filter((x) => x !== q)].slice(0, keep), last: time });
  };
  const byTime = (a: LoggedSearch, b: LoggedSearch) => (a.time ?? 0) - (b.time ?? 0);
  for (const s of [...train].sort(byTime)) remember(s, normalizeSuggestion(s.query));
  const cases: ReplayCase[] = [];
  for (const s of [...test].sort(byTime)) {
    const q = normalizeSuggestion(s.query);
    if (!q) continue;
    cases.push({ query: q, count: 1, recent: s.user ? recentOf(s.user, s.time ?? 0) : [] });
    remember(s, q);
  }
  return cases;
}

/** Answers once per prefix, normalized: every replay of the same suggester shares them. */
export function memoized(suggest: Suggester): Suggester {
  const memo = new Map<string, Promise<string[]>>();
  return (p) => {
    let r = memo.get(p);
    if (!r) memo.set(p, (r = suggest(p).then((xs) => xs.map(normalizeSuggestion))));
    return r;
  };
}

/** What a shopper was shown after typing `prefix` (n characters), normalized, best first. */
export type Shown = (prefix: string, n: number) => Promise<string[]>;

/** Scores replayed queries: MRR@k over prefixes, success@k after 1/3/5 characters, keystrokes saved. */
export class ReplayScore {
  private weight = 0;
  private prefixWeight = 0;
  private rrSum = 0;
  private savedSum = 0;
  // Success after n typed characters, n = 1..10 (the report's curve; 1, 3 and 5 are the headline).
  private readonly success: Record<number, number> = Object.fromEntries(
    Array.from({ length: 10 }, (_, i) => [i + 1, 0]),
  );

  constructor(
    private readonly k: number,
    private readonly maxPrefix: number,
  ) {}

  /** One replayed query (normalized), searched `count` times. */
  async add(query: string, count: number, shown: Shown): Promise<void> {
    let found = 0; // characters typed when the query first appeared, 0 = never
    let shownAtEnd = false;
    const typed = Math.min(query.length, this.maxPrefix);
    for (let n = 1; n <= typed; n++) {
      const prefix = query.slice(0, n);
      const rank = (await shown(prefix, n)).slice(0, this.k).indexOf(query) + 1;
      this.rrSum += count * (rank > 0 ? 1 / rank : 0);
      this.prefixWeight += count;
      if (rank > 0 && found === 0) found = n;
      if (n in this.success && rank > 0) this.success[n]! += count;
      shownAtEnd = rank > 0;
    }
    // A query shorter than n is fully typed by then: it counts as what the shopper saw at its end.
    for (let n = typed + 1; n <= 10; n++) if (shownAtEnd) this.success[n]! += count;
    this.savedSum += count * (found > 0 ? (query.length - found) / query.length : 0);
    this.weight += count;
  }

  metrics(): SuggestMetrics {
    const { k, weight, success } = this;
    return {
      [`mrr@${k}`]: this.prefixWeight ? this.rrSum / this.prefixWeight : 0,
      [`success@${k}_1char`]: weight ? success[1]! / weight : 0,
      [`success@${k}_3chars`]: weight ? success[3]! / weight : 0,
      [`success@${k}_5chars`]: weight ? success[5]! / weight : 0,
      keystrokes_saved: weight ? this.savedSum / weight : 0,
      ...Object.fromEntries(Object.entries(success).map(([n, v]) => [`success_after_${n}`, weight ? v / weight : 0])),
    };
  }
}

/** Replays the test queries; returns MRR@k over prefixes, success@k at 1/3/5 characters, keystrokes saved. */
export async function replay(
  cases: readonly ReplayCase[],
  suggest: Suggester,
  k: number,
  maxPrefix: number,
  label: string,
  interrupted?: () => boolean,
): Promise<SuggestMetrics> {
  const ask = memoized(suggest);
  const score = new ReplayScore(k, maxPrefix);
  const progress = createProgress(label, cases.length);
  for (const { query, count, recent } of cases) {
    if (interrupted?.()) break;
    await score.add(query, count, async (prefix) => {
      const shared = (await ask(prefix)).slice(0, k);
      return recent ? recentFirst(shared, recent, prefix, k).map((x) => x.text) : shared;
    });
    progress.tick();
  }
  progress.done();
  return score.metrics();
}

export interface SuggestEvalReport {
  runner: 'suggest';
  train_searches: number;
  test_searches: number;
  test_queries: number;
  suggestions: number;
  metrics: SuggestMetrics;
  baseline: SuggestMetrics;
  /** Test queries never searched in the training period: where typo tolerance and catalog phrases must help. */
  unseen: { queries: number; metrics: SuggestMetrics; baseline: SuggestMetrics };
  /** Test queries also searched in the training period: what typo tolerance and catalog phrases must not hurt. */
  seen: { queries: number; metrics: SuggestMetrics; baseline: SuggestMetrics };
  /**
   * What knowing the replayed period's counts would reach: ranking the indexed suggestions
   * (`suggestions`), or with every replayed query available as a suggestion (`any_query`).
   */
  ceiling: { suggestions: SuggestMetrics; any_query: SuggestMetrics };
  /** Search by search, each shopper's own earlier searches offered first (what `customer` on /suggest does). */
  with_recent_searches: { metrics: SuggestMetrics; baseline: SuggestMetrics };
  interrupted: boolean;
}

export async function evalSuggest(o: SuggestEvalOptions): Promise<SuggestEvalReport> {
  const entries = await suggestionEntries({
    logs: [toAsync(o.train)],
    minUsers: o.minUsers,
    ...(o.withCatalog ? { catalog: { es: o.es, alias: o.alias } } : {}),
  });
  const index = buildSuggestionIndex(entries);
  const test = new Map<string, number>();
  for (const s of o.test) {
    const q = normalizeSuggestion(s.query);
    if (q) test.set(q, (test.get(q) ?? 0) + 1);
  }
  const seen = new Set(o.train.map((s) => normalizeSuggestion(s.query)));
  const unseenTest = new Map([...test].filter(([q]) => !seen.has(q)));
  const ours = memoized(async (p) => index.match(p, o.k).map((s) => s.text));
  const base = memoized(prefixBaseline(o.train, o.k));
  const seenTest = new Map([...test].filter(([q]) => seen.has(q)));
  const cases = casesOf(test);
  const metrics = await replay(cases, ours, o.k, o.maxPrefix, 'suggest', o.interrupted);
  const baseline = await replay(cases, base, o.k, o.maxPrefix, 'baseline', o.interrupted);
  const searches = casesWithHistory(o.train, o.test, o.keepRecent, o.recentTtlMs);
  return {
    runner: 'suggest',
    train_searches: o.train.length,
    test_searches: o.test.length,
    test_queries: test.size,
    suggestions: entries.length,
    metrics,
    baseline,
    unseen: {
      queries: unseenTest.size,
      metrics: await replay(casesOf(unseenTest), ours, o.k, o.maxPrefix, 'suggest (unseen)', o.interrupted),
      baseline: await replay(casesOf(unseenTest), base, o.k, o.maxPrefix, 'baseline (unseen)', o.interrupted),
    },
    seen: {
      queries: seenTest.size,
      metrics: await replay(casesOf(seenTest), ours, o.k, o.maxPrefix, 'suggest (seen)', o.interrupted),
      baseline: await replay(casesOf(seenTest), base, o.k, o.maxPrefix, 'baseline (seen)', o.interrupted),
    },
    ceiling: {
      suggestions: await replay(
        cases,
        oracle(
          entries.map((e) => normalizeSuggestion(e.text)),
          test,
          o.k,
        ),
        o.k,
        o.maxPrefix,
        'ceiling (suggestions)',
        o.interrupted,
      ),
      any_query: await replay(
        cases,
        oracle(test.keys(), test, o.k),
        o.k,
        o.maxPrefix,
        'ceiling (any query)',
        o.interrupted,
      ),
    },
    with_recent_searches: {
      metrics: await replay(searches, ours, o.k, o.maxPrefix, 'suggest + recent searches', o.interrupted),
      baseline: await replay(searches, base, o.k, o.maxPrefix, 'baseline + recent searches', o.interrupted),
    },
    interrupted: o.interrupted?.() ?? false,
  };
}

async function* toAsync<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}
