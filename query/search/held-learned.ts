// The learned click signals as the service holds them: a full snapshot at start (or when it fell
// too far behind), then only the queries each new revision changed, applied in place. Reloading
// the whole hash at every revision (as often as every second) cost seconds of CPU a minute with
// 100,000 learned queries, on the event loop, with requests waiting.
import type { Held } from '../../common/revision-holder.ts';
import { holdUpdated } from '../../common/revision-holder.ts';
import type { Logger } from '../../common/logger.ts';
import { LearnedIndex, type LearnedLookup } from '../../ranking/learn/learned-lookup.ts';
import type { LearnedStore } from '../../stores/learned-signals.ts';

/** More queries changed than this since the last check: a snapshot is cheaper than the changes. */
const MAX_CHANGED = 20_000;

export function holdLearned(store: LearnedStore, o: { refreshMs: number; log: Logger }): Held<LearnedLookup> {
  let index = new LearnedIndex();
  let cursor = '0-0';
  return holdUpdated(
    { value: index.lookup, revision: -1 },
    async (held) => {
      const changes = held.revision < 0 ? 'reload' : await store.changesSince(held.revision, cursor, MAX_CHANGED);
      if (changes === undefined) return held;
      if (changes === 'reload') {
        const snapshot = await store.snapshot();
        index = new LearnedIndex(snapshot.signals);
        cursor = snapshot.cursor;
        return { value: index.lookup, revision: snapshot.revision };
      }
      index.apply(changes.set, changes.removed);
      cursor = changes.cursor;
      return { value: index.lookup, revision: changes.revision };
    },
    { ...o, what: 'learned signals' },
  );
}
