// eval suggest --live: see suggest-replay.ts for what is measured.
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import type { Config } from '../../common/config.ts';
import { type LoggedSearch, suggestionEntries } from '../../query/suggest/build/sources.ts';
import { suggestionStoreFor } from '../../stores/suggestions.ts';
import { openLiveHarness } from './harness.ts';
import { liveSuggestReplay } from './suggest-replay.ts';

export interface LiveSuggestCommand {
  config: Config;
  es: EsClient;
  alias: string;
  searches: readonly LoggedSearch[];
  withCatalog: boolean;
  k: number;
  maxPrefix: number;
  cutoff: number;
  until?: number;
  settleEveryMs: number;
  say: (s: string) => void;
  interrupted: () => boolean;
}

export async function liveSuggestEval(o: LiveSuggestCommand) {
  const h = await openLiveHarness(o.config, o.es, o.alias);
  try {
    // What a shop starts from: the catalog's phrases (no search history); the learner adds the rest.
    const entries = await suggestionEntries({
      logs: [],
      minUsers: o.config.suggestMinUsers,
      ...(o.withCatalog ? { catalog: { es: o.es, alias: o.alias } } : {}),
    });
    await suggestionStoreFor(h.redis, h.config).publishSnapshot(entries);
    await h.service.runtime.suggestions.refresh();
    o.say(`published ${entries.length} catalog phrases; replaying ${o.searches.length} searches`);
    return await liveSuggestReplay(h, o.searches, {
      k: o.k,
      maxPrefix: o.maxPrefix,
      cutoff: o.cutoff,
      ...(o.until !== undefined ? { until: o.until } : {}),
      settleEveryMs: o.settleEveryMs,
      keepRecent: o.config.recentSearches,
      recentTtlMs: o.config.recentSearchesTtlDays * 86_400_000,
      interrupted: o.interrupted,
    });
  } finally {
    await h.close();
  }
}
