// The autocomplete engine the HTTP tier calls: the shared suggestions through the answer cache,
// with merchandiser rules on the product part, then the customer's own recent searches joined
// after the cache (unless the session's autocomplete experiment variant turns them off). Knows
// nothing of HTTP.
import { assign } from '../../ranking/experiments/assign.ts';
import type { ExperimentTag } from '../../ranking/experiments/experiment.ts';
import type { RecentSearches } from '../../stores/recent-searches.ts';
import { type Answer, type AnswerDeps, cachedAnswer, rulesFor } from '../search/answers.ts';
import { normalizeSuggestion } from './normalize.ts';
import { recentFirst } from './recent-first.ts';
import {
  highlightPrefixes,
  type QuerySuggestion,
  runSuggest,
  type SuggestContext,
  type SuggestResult,
} from './suggest-service.ts';

export interface SuggestEngineDeps extends AnswerDeps {
  suggest: SuggestContext;
  /** Each customer's own recent searches, offered first in their autocomplete; off when absent. */
  recentSearches?: RecentSearches;
}

export interface SuggestEngine {
  /** `q` as typed, a trailing space kept (it says the last word is complete). */
  suggest(
    q: string,
    size: number,
    customer?: string,
    session?: string,
  ): Promise<Answer<SuggestResult & { experiment?: ExperimentTag }>>;
}

export function createSuggestEngine(d: SuggestEngineDeps): SuggestEngine {
  return {
    async suggest(q, size, customer, session) {
      const a = assign((await d.experiments.get()).value, 'suggest', session, d.now());
      const experiment = a ? { experiment: { id: a.experiment.id, variant: a.label } } : {};
      const withRecent = a?.variant.suggest?.recent_searches !== false;
      // Nothing to complete (only spaces or punctuation): an empty prefix would match every phrase.
      if (!normalizeSuggestion(q)) {
        const value = { query: q, took: 0, suggestions: [], categories: [], products: [] };
        return { value: { ...value, ...experiment }, source: 'origin', version: await d.live.get() };
      }
      const rules = await rulesFor(d, { q });
      const [answer, recent] = await Promise.all([
        cachedAnswer(d, 'suggest', { q: q.toLowerCase(), size, rules: rules.key }, () =>
          runSuggest(d.suggest, q, { suggestions: size, products: 4 }, rules.effects),
        ),
        customer && withRecent && d.recentSearches ? d.recentSearches.list(customer) : [],
      ]);
      if (recent.length === 0) return { ...answer, value: { ...answer.value, ...experiment } };
      const shared = new Map(answer.value.suggestions.map((s) => [s.text, s]));
      const suggestions = recentFirst([...shared.keys()], recent, q, size).map(
        ({ text, recent }): QuerySuggestion =>
          recent ? { text, highlighted: highlightPrefixes(text, q), source: 'recent' } : shared.get(text)!,
      );
      return { ...answer, value: { ...answer.value, suggestions, ...experiment } };
    },
  };
}
