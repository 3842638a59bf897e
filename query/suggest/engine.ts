// The autocomplete engine the HTTP tier calls. Query suggestions come from the published version
// held in memory (no round trip); products and categories from Elasticsearch, cached per typed
// text and waited for at most a short budget; the customer's own recent searches come first.
// It degrades in steps: when Elasticsearch is slow or busy the suggestions go out without products,
// marked `degraded`; only when neither part can be had is the request refused, at once, with 503.
// A session in an autocomplete experiment gets its variant (e.g. without recent searches). Knows
// nothing of HTTP.
import type { Held } from '../../common/revision-holder.ts';
import { UnavailableError } from '../../common/errors.ts';
import { assign } from '../../ranking/experiments/assign.ts';
import type { Experiment, ExperimentTag } from '../../ranking/experiments/experiment.ts';
import type { RecentSearches } from '../../stores/recent-searches.ts';
import type { Answer } from '../search/answers.ts';
import { highlightPrefixes } from './highlight.ts';
import type { LiveSuggestions } from './live-suggestions.ts';
import { normalizeSuggestion } from './normalize.ts';
import type { ProductPart, ProductSuggestions } from './product-suggestions.ts';
import { recentFirst } from './recent-first.ts';

export interface QuerySuggestion {
  text: string;
  /** The text, HTML-escaped, with the typed prefixes in <mark>. */
  highlighted: string;
  /** A logged query, a catalog phrase, or one of the shopper's own recent searches. */
  source: 'query' | 'catalog' | 'recent';
}

export interface SuggestResult extends ProductPart {
  query: string;
  suggestions: QuerySuggestion[];
  took: number;
  /** Products and categories were left out (Elasticsearch slow or busy), or suggestions are not loaded yet. */
  degraded?: boolean;
}

export interface SuggestEngineDeps {
  suggestions: LiveSuggestions;
  products: ProductSuggestions;
  /** Each customer's own recent searches, offered first in their autocomplete; off when absent. */
  recentSearches?: RecentSearches;
  /** How long a keystroke waits for a customer's recent searches (Redis) before going without them. */
  waitMs: number;
  /** Online experiments; a session in an autocomplete one gets its variant. */
  experiments: Held<readonly Experiment[]>;
  now: () => number;
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

async function within<T>(p: Promise<T>, ms: number, otherwise: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(otherwise), ms);
  });
  try {
    return await Promise.race([p.catch(() => otherwise), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createSuggestEngine(d: SuggestEngineDeps): SuggestEngine {
  return {
    async suggest(q, size, customer, session) {
      const started = performance.now();
      const a = assign((await d.experiments.get()).value, 'suggest', session, d.now());
      const experiment = a ? { experiment: { id: a.experiment.id, variant: a.label } } : {};
      const withRecent = a?.variant.suggest?.recent_searches !== false;
      // Nothing to complete (only spaces or punctuation): an empty prefix would match every phrase.
      if (!normalizeSuggestion(q)) {
        const value = { query: q, took: 0, suggestions: [], categories: [], products: [] };
        return {
          value: { ...value, ...experiment },
          source: 'memory',
          version: d.suggestions.current()?.version ?? 'none',
        };
      }
      const held = d.suggestions.current();
      const shared = held?.match(q, size);
      const [found, recent] = await Promise.all([
        d.products.lookup(q),
        customer && withRecent && d.recentSearches ? within(d.recentSearches.list(customer), d.waitMs, []) : [],
      ]);
      if (!shared && !found)
        throw new UnavailableError('autocomplete unavailable: suggestions not loaded and products too slow', 2);
      const source = new Map((shared ?? []).map((s) => [s.text, s.source]));
      const suggestions = recentFirst([...source.keys()], recent, q, size).map(
        ({ text, recent }): QuerySuggestion => ({
          text,
          highlighted: highlightPrefixes(text, q),
          source: recent ? 'recent' : source.get(text)!,
        }),
      );
      const value: SuggestResult & { experiment?: ExperimentTag } = {
        query: q,
        suggestions,
        categories: found?.part.categories ?? [],
        products: found?.part.products ?? [],
        took: Math.round(performance.now() - started),
        ...(found && shared ? {} : { degraded: true }),
        ...experiment,
      };
      return { value, source: found?.cached ? 'memory' : 'origin', version: found?.version ?? 'unknown' };
    },
  };
}
