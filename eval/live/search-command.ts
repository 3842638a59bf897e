// eval search --live: see search-replay.ts for what is measured.
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import type { Config } from '../../common/config.ts';
import { readClickLog } from '../../ranking/learn/click-log.ts';
import type { LearnedLookup } from '../../ranking/learn/learned-lookup.ts';
import { profiles } from '../../ranking/profile.ts';
import type { Qrels } from '../judgments.ts';
import { mean, reciprocalRank } from '../metrics.ts';
import { evalSearch } from '../runners/search.ts';
import { openLiveHarness } from './harness.ts';
import { publishedLookup, rankWith, replaySearches, searchesOf } from './search-replay.ts';

export interface LiveSearchOptions {
  config: Config;
  es: EsClient;
  alias: string;
  queries: ReadonlyMap<string, string>;
  qrels: Qrels;
  k: number;
  clicksFile: string;
  cutoff: number;
  /** The replay after the cutoff ends here (default: the end of the log). */
  until?: number;
  /** Learning is settled this often in log time during the replay after the cutoff. */
  settleEveryMs: number;
  /** The offline signals (`ranking learn` from the same clicks before the cutoff). */
  offline: LearnedLookup;
  say: (s: string) => void;
  interrupted: () => boolean;
}

export async function liveSearchEval(o: LiveSearchOptions) {
  const judged = (learned: LearnedLookup) =>
    evalSearch({
      es: o.es,
      alias: o.alias,
      queries: o.queries,
      qrels: o.qrels,
      k: o.k,
      profile: 'default',
      baseline: false,
      learned,
      interrupted: o.interrupted,
    });
  const offline = await judged(o.offline);
  const searches = searchesOf(await readClickLog(o.clicksFile));
  const before = searches.filter((s) => s.at < o.cutoff);
  const after = searches.filter((s) => s.at >= o.cutoff && (o.until === undefined || s.at < o.until));
  const h = await openLiveHarness(o.config, o.es, o.alias);
  try {
    o.say(
      `replaying ${before.length} searches with their clicks before the cutoff through the service and the learner`,
    );
    await replaySearches(h, before, { what: 'learning', interrupted: o.interrupted });
    const live = await judged(await publishedLookup(h));
    o.say(`replaying ${after.length} searches after the cutoff, learning as they happen`);
    const ctx = { es: o.es, alias: o.alias, profiles, budgetMs: 5000, cursorKey: 'eval' };
    const rr = { live: [] as number[], frozen: [] as number[] };
    const pending: Promise<void>[] = [];
    await replaySearches(h, after, {
      what: 'live replay',
      settleEveryMs: o.settleEveryMs,
      interrupted: o.interrupted,
      onAnswer: (s, ranked) => {
        const clicked = new Map(s.clicks.map((c) => [c.product, 1]));
        rr.live.push(reciprocalRank(ranked, clicked, o.k));
        pending.push(
          rankWith(ctx, o.offline, s.query).then((frozen) => void rr.frozen.push(reciprocalRank(frozen, clicked, o.k))),
        );
      },
    });
    await Promise.all(pending);
    return {
      runner: 'search-live' as const,
      judged_queries: offline.queries,
      offline: offline.metrics,
      live: live.metrics,
      live_vs_offline_mrr: (live.metrics.mrr ?? 0) / (offline.metrics.mrr ?? 1),
      replay: {
        searches: rr.live.length,
        settle_every_ms: o.settleEveryMs,
        mrr_live: mean(rr.live),
        mrr_frozen_at_cutoff: mean(rr.frozen),
      },
      per_query: live.per_query,
    };
  } finally {
    await h.close();
  }
}
