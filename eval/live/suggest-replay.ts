// eval suggest --live: a search log replayed in time order through the real closed loop. Every
// search is asked of the service (its impression goes to Kafka, the learner counts it toward
// suggestion popularity under the privacy rule), and after the cutoff each search is first typed
// into /suggest keystroke by keystroke, answered only with what was published from the searches
// before it (learning settled every `settleEveryMs` of log time). In the same run, the baselines
// answer the same keystrokes: the most frequent earlier query with the prefix, frozen at the
// cutoff, counted up to the start of the settle window (the same information as ours), and
// counted up to the very moment of typing (the live frequency baseline).
import { normalizeSuggestion } from '../../query/suggest/normalize.ts';
import { recentFirst } from '../../query/suggest/recent-first.ts';
import type { LoggedSearch } from '../../query/suggest/build/sources.ts';
import { createProgress } from '../../common/progress.ts';
import { ReplayScore, type SuggestMetrics } from '../runners/suggest.ts';
import type { LiveHarness } from './harness.ts';

/** Query counts by prefix, updated as searches come: the frequency baselines. */
class PrefixCounts {
  private readonly byPrefix = new Map<string, Map<string, number>>();
  constructor(private readonly maxPrefix: number) {}

  add(query: string): void {
    for (let n = 1; n <= Math.min(query.length, this.maxPrefix); n++) {
      const p = query.slice(0, n);
      let m = this.byPrefix.get(p);
      if (!m) this.byPrefix.set(p, (m = new Map()));
      m.set(query, (m.get(query) ?? 0) + 1);
    }
  }

  top(prefix: string, k: number): string[] {
    const m = this.byPrefix.get(prefix);
    if (!m) return [];
    return [...m]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, k)
      .map(([q]) => q);
  }

  /** The queries counted so far with the prefix, ordered by `order` (largest first). */
  topBy(prefix: string, k: number, order: ReadonlyMap<string, number>): string[] {
    const m = this.byPrefix.get(prefix);
    if (!m) return [];
    return [...m.keys()]
      .map((q) => [q, order.get(q) ?? 0] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, k)
      .map(([q]) => q);
  }

  /** A frozen copy of the counts' top lists, answered on demand and memoized. */
  snapshot(k: number): (prefix: string) => string[] {
    const frozen = new Map([...this.byPrefix].map(([p, m]) => [p, new Map(m)]));
    const memo = new Map<string, string[]>();
    return (prefix) => {
      let r = memo.get(prefix);
      if (!r) {
        const m = frozen.get(prefix);
        r = m
          ? [...m]
              .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
              .slice(0, k)
              .map(([q]) => q)
          : [];
        memo.set(prefix, r);
      }
      return r;
    };
  }
}

/** Each shopper's recent searches, as the service keeps them (the ones that found something). */
class RecentSearches {
  private readonly byUser = new Map<string, { recent: string[]; last: number }>();
  constructor(
    private readonly keep: number,
    private readonly ttlMs: number,
  ) {}
  of(user: string | undefined, at: number): string[] {
    const h = user ? this.byUser.get(user) : undefined;
    return h && at - h.last <= this.ttlMs ? h.recent : [];
  }
  add(user: string | undefined, q: string, at: number): void {
    if (!user) return;
    this.byUser.set(user, { recent: [q, ...this.of(user, at).filter((x) => x !== q)].slice(0, this.keep), last: at });
  }
}

export interface LiveSuggestOptions {
  k: number;
  maxPrefix: number;
  cutoff: number;
  until?: number;
  settleEveryMs: number;
  keepRecent: number;
  recentTtlMs: number;
  interrupted?: () => boolean;
}

export interface LiveSuggestReport {
  runner: 'suggest-live';
  learning_searches: number;
  replayed_searches: number;
  settle_every_ms: number;
  suggestions_at_end: number;
  metrics: SuggestMetrics;
  baseline_frozen: SuggestMetrics;
  baseline_live_window: SuggestMetrics;
  baseline_live: SuggestMetrics;
  /**
   * The best order that stays the same over the period: the live baseline's candidates ranked by
   * how often the replayed period itself searches them (it knows the future). What signals that
   * do not change within the period (counts, clicks, no-result rates) can add over the live
   * baseline is bounded by this; beyond it lie trends within the period, candidates no one
   * searched yet and each shopper's own history.
   */
  ceiling_reordered: SuggestMetrics;
  with_recent_searches: { metrics: SuggestMetrics; baseline_live: SuggestMetrics };
  interrupted: boolean;
}

const session = (user: string | undefined, n: number) =>
  user ? `u-${user.replace(/[^A-Za-z0-9_.:@-]/g, '_').slice(0, 100)}` : `anon-${n}`;

export async function liveSuggestReplay(
  h: LiveHarness,
  searches: readonly LoggedSearch[],
  o: LiveSuggestOptions,
): Promise<LiveSuggestReport> {
  const timed = searches.filter((s) => s.time !== undefined).sort((a, b) => a.time! - b.time!);
  const before = timed.filter((s) => s.time! < o.cutoff);
  const after = timed.filter((s) => s.time! >= o.cutoff && (o.until === undefined || s.time! < o.until));
  const counts = new PrefixCounts(o.maxPrefix);
  const recent = new RecentSearches(o.keepRecent, o.recentTtlMs);
  let n = 0;
  const search = async (s: LoggedSearch): Promise<void> => {
    h.setTime(s.time!);
    const id = session(s.user, n++);
    const page = (await h.get(
      `/search?q=${encodeURIComponent(s.query)}&size=10&facets=in_stock&session=${id}${s.user ? `&customer=${id}` : ''}`,
    )) as { total: number; relaxed?: unknown };
    const q = normalizeSuggestion(s.query);
    if (!q) return;
    counts.add(q);
    if (page.total > 0 && !page.relaxed) recent.add(s.user, q, s.time!);
  };

  const learning = createProgress('learning from searches', before.length);
  for (const s of before) {
    if (o.interrupted?.()) break;
    await search(s);
    learning.tick();
  }
  learning.done();
  const frozen = counts.snapshot(o.k);

  const scores = {
    ours: new ReplayScore(o.k, o.maxPrefix),
    oursRecent: new ReplayScore(o.k, o.maxPrefix),
    frozen: new ReplayScore(o.k, o.maxPrefix),
    window: new ReplayScore(o.k, o.maxPrefix),
    live: new ReplayScore(o.k, o.maxPrefix),
    ceiling: new ReplayScore(o.k, o.maxPrefix),
    liveRecent: new ReplayScore(o.k, o.maxPrefix),
  };
  const future = new Map<string, number>();
  for (const s of after) {
    const q = normalizeSuggestion(s.query);
    if (q) future.set(q, (future.get(q) ?? 0) + 1);
  }
  const replayed = createProgress('live replay', after.length);
  let windowStart = Number.NEGATIVE_INFINITY;
  let asked = new Map<string, Promise<string[]>>();
  let atWindow = counts.snapshot(o.k);
  const ours = (prefix: string) => {
    let r = asked.get(prefix);
    if (!r) {
      r = h
        .get(`/suggest?q=${encodeURIComponent(prefix)}&size=${o.k}`)
        .then((a) => (a as { suggestions: { text: string }[] }).suggestions.map((x) => normalizeSuggestion(x.text)));
      asked.set(prefix, r);
    }
    return r;
  };
  for (const s of after) {
    if (o.interrupted?.()) break;
    if (s.time! - windowStart >= o.settleEveryMs) {
      await h.settle();
      windowStart = s.time!;
      // Within a window nothing new is published: the same prefix gets the same answer.
      asked = new Map();
      atWindow = counts.snapshot(o.k);
    }
    const q = normalizeSuggestion(s.query);
    if (q) {
      const mine = recent.of(s.user, s.time!);
      const withRecent = (list: string[], prefix: string) => recentFirst(list, mine, prefix, o.k).map((x) => x.text);
      await scores.ours.add(q, 1, (p) => ours(p));
      await scores.oursRecent.add(q, 1, async (p) => withRecent(await ours(p), p));
      await scores.frozen.add(q, 1, async (p) => frozen(p));
      await scores.window.add(q, 1, async (p) => atWindow(p));
      await scores.live.add(q, 1, async (p) => counts.top(p, o.k));
      await scores.ceiling.add(q, 1, async (p) => counts.topBy(p, o.k, future));
      await scores.liveRecent.add(q, 1, async (p) => withRecent(counts.top(p, o.k), p));
    }
    await search(s);
    replayed.tick();
  }
  replayed.done();
  await h.settle();
  return {
    runner: 'suggest-live',
    learning_searches: before.length,
    replayed_searches: after.length,
    settle_every_ms: o.settleEveryMs,
    suggestions_at_end: h.service.runtime.suggestions.current()?.size ?? 0,
    metrics: scores.ours.metrics(),
    baseline_frozen: scores.frozen.metrics(),
    baseline_live_window: scores.window.metrics(),
    baseline_live: scores.live.metrics(),
    ceiling_reordered: scores.ceiling.metrics(),
    with_recent_searches: { metrics: scores.oursRecent.metrics(), baseline_live: scores.liveRecent.metrics() },
    interrupted: o.interrupted?.() ?? false,
  };
}
