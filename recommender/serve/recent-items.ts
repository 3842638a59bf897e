// A customer's items, most recent first: what the learner saw since the last training, then what
// the training saw. Read for the for-user rail and for personalizing search.
import type { LiveRailStore } from '../../stores/live-rails.ts';
import type { RecsStore } from '../../stores/recommendations.ts';

/** A customer's recent items are at most this many. */
const RECENT_ITEMS = 20;

export type RecentItems = (version: string, customer: string) => Promise<string[]>;

export function recentItemsOf(store: RecsStore, live: LiveRailStore | undefined): RecentItems {
  return async (version, customer) => {
    const [now, trained] = await Promise.all([live?.recent(customer), store.recent(version, customer)]);
    return [...new Set([...(now ?? []), ...(trained ?? [])])].slice(0, RECENT_ITEMS);
  };
}
