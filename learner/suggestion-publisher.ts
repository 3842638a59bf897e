// Writes the suggestion popularity the learner learned into the published suggestions, as deltas
// on the current version (written by `suggest rebuild`: catalog phrases and any search history).
// A learned query's weight is what the learner counted plus what the version already gave it, so
// history from a rebuild is kept, not replaced. When a rebuild publishes a new version the
// learner re-reads it and writes all it learned on top; when a version's deltas are full, the
// learner publishes a snapshot itself (the version's entries with everything learned merged in).
import type { Logger } from '../common/logger.ts';
import { normalizeSuggestion } from '../query/suggest/normalize.ts';
import {
  DeltaLimitError,
  StaleVersionError,
  type SuggestionEntry,
  type SuggestionHead,
  type SuggestionStore,
} from '../stores/suggestions.ts';
import type { LearnerState } from './state.ts';
import { defaultSuggestionWeights, type SuggestionWeights } from './suggestion-signals.ts';

export interface SuggestionPublisher {
  /** Returns how many suggestions were written (0 when nothing changed or nothing is published yet). */
  publish(state: LearnerState, full: boolean): Promise<number>;
}

export function createSuggestionPublisher(
  store: SuggestionStore,
  log: Logger,
  weights: SuggestionWeights = defaultSuggestionWeights,
): SuggestionPublisher {
  /** The version written on, and what it held before the learner's deltas. */
  let version: string | undefined;
  let base = new Map<string, SuggestionEntry>();
  let catalogWords = new Set<string>();

  async function adopt(head: SuggestionHead): Promise<void> {
    const entries = new Map<string, SuggestionEntry>();
    for await (const chunk of store.snapshot(head.version))
      for (const e of chunk) entries.set(normalizeSuggestion(e.text), e);
    base = entries;
    catalogWords = new Set([...entries].flatMap(([key, e]) => (e.source === 'catalog' ? key.split(' ') : [])));
    version = head.version;
    log.info({ version, entries: entries.size }, 'learning suggestions on a new version');
  }

  const merged = (learned: { text: string; weight: number }[]): SuggestionEntry[] =>
    learned.map((l) => {
      const before = base.get(normalizeSuggestion(l.text));
      const history = before?.source === 'query' ? before.weight : 0;
      return { text: l.text, weight: Math.round((l.weight + history) * 1000) / 1000, source: 'query' };
    });

  return {
    async publish(state, full) {
      const head = await store.head(version);
      // Nothing published yet: suggestions start with `suggest rebuild` (catalog phrases at least).
      if (!head) return 0;
      let all = full;
      if (head.version !== version) {
        await adopt(head);
        all = true;
      }
      const upserts = merged(state.suggestions.take(state.maxTime, catalogWords, weights, all));
      if (upserts.length === 0) return 0;
      try {
        await store.appendDelta(version!, { upserts });
      } catch (err) {
        if (err instanceof StaleVersionError) {
          // A new version was published meanwhile: write everything on it next time.
          version = undefined;
          return 0;
        }
        if (!(err instanceof DeltaLimitError)) throw err;
        const everything = new Map(base);
        for (const e of merged(state.suggestions.take(state.maxTime, catalogWords, weights, true)))
          everything.set(normalizeSuggestion(e.text), e);
        const published = await store.publishSnapshot([...everything.values()]);
        // The new version holds what was learned: keep the old base, so it is not counted twice.
        version = published.version;
        log.info({ version, entries: published.entries }, 'published a suggestion snapshot (deltas were full)');
      }
      return upserts.length;
    },
  };
}
