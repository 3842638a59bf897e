// eval search --live: the click log replayed in time order through the real closed loop. Each
// search is asked of the service (which records its impression), each click is sent to POST
// /events at its own time with the position the product had in that answer, and the learner
// learns from them. Two measures come out:
// - learning: the click signals the learner published from the clicks before the cutoff, used on
//   the judged queries exactly as `eval search --clicks` uses the ones `ranking learn` computes
//   from the same file (the offline figure, computed in the same run);
// - a live replay after the cutoff: every search answered with only what was learned from the
//   events before it (settled every `settleEveryMs` of log time), its clicked products judged by
//   reciprocal rank, beside the same searches answered with the signals frozen at the cutoff.
import type { Click } from '../../ranking/learn/click-log.ts';
import { type LearnedLookup, learnedLookup } from '../../ranking/learn/learned-lookup.ts';
import { profiles } from '../../ranking/profile.ts';
import { toSearchParams } from '../../query/search/params.ts';
import { runSearch, type SearchContext } from '../../query/search/search-service.ts';
import { keySpace } from '../../stores/keys.ts';
import { redisLearnedStore } from '../../stores/learned-signals.ts';
import { createProgress } from '../../common/progress.ts';
import type { LiveHarness } from './harness.ts';

/** One search of the click log and the products clicked after it. */
export interface LoggedSearchWithClicks {
  query: string;
  user: string;
  at: number;
  clicks: { product: string; at: number }[];
}

/** Clicks grouped into the searches they followed (same shopper, query and search time), in time order. */
export function searchesOf(clicks: readonly Click[]): LoggedSearchWithClicks[] {
  const byKey = new Map<string, LoggedSearchWithClicks>();
  for (const c of clicks) {
    const at = c.searchedAt ?? c.time;
    const user = c.user ?? 'anonymous';
    const key = `${user}\u0000${c.query}\u0000${at}`;
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { query: c.query, user, at, clicks: [] }));
    s.clicks.push({ product: c.product, at: c.time });
  }
  return [...byKey.values()].sort((a, b) => a.at - b.at);
}

const session = (user: string) => `u-${user.replace(/[^A-Za-z0-9_.:@-]/g, '_').slice(0, 100)}`;

/** Asks the service, then reports the clicks; returns the ranked ids the shopper was shown. */
async function replayOne(h: LiveHarness, s: LoggedSearchWithClicks, n: number): Promise<string[]> {
  h.setTime(s.at);
  const page = (await h.get(
    `/search?q=${encodeURIComponent(s.query)}&size=20&facets=in_stock&session=${session(s.user)}`,
  )) as {
    query_id: string;
    hits: { id: string }[];
  };
  const ranked = page.hits.map((x) => x.id);
  await h.send(
    s.clicks.map((c, i) => {
      const at = ranked.indexOf(c.product);
      return {
        type: 'click' as const,
        event_id: `replay-${n}-${i}`,
        session: session(s.user),
        query_id: page.query_id,
        product: c.product,
        time: new Date(c.at).toISOString(),
        ...(at >= 0 ? { position: at + 1 } : {}),
      };
    }),
  );
  return ranked;
}

/** Replays searches in time order; returns how many were replayed. */
export async function replaySearches(
  h: LiveHarness,
  searches: readonly LoggedSearchWithClicks[],
  o: {
    settleEveryMs?: number;
    onAnswer?: (s: LoggedSearchWithClicks, ranked: string[]) => void;
    what: string;
    interrupted?: () => boolean;
  },
): Promise<number> {
  const progress = createProgress(o.what, searches.length);
  let settledAt = Number.NEGATIVE_INFINITY;
  let n = 0;
  for (const s of searches) {
    if (o.interrupted?.()) break;
    if (o.settleEveryMs !== undefined && s.at - settledAt >= o.settleEveryMs) {
      await h.settle();
      settledAt = s.at;
    }
    const ranked = await replayOne(h, s, n++);
    o.onAnswer?.(s, ranked);
    progress.tick();
  }
  await h.settle();
  progress.done();
  return n;
}

/** What the learner published, as the service looks it up. */
export async function publishedLookup(h: LiveHarness): Promise<LearnedLookup> {
  return learnedLookup(await redisLearnedStore(h.redis, keySpace(h.config.redisPrefix).learned).load());
}

/** The same search answered in process with given signals (the frozen comparison). */
export async function rankWith(ctx: SearchContext, learned: LearnedLookup, q: string): Promise<string[]> {
  const res = await runSearch(
    { ...ctx, profiles, learned: async (x) => learned(x) },
    toSearchParams({ q, size: 20, facets: 'in_stock' }),
    false,
  );
  return res.hits.map((x) => x.id);
}
