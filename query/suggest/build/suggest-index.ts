// The suggestions index: one document per suggestable phrase (a popular query, or a phrase from
// the catalog), versioned behind its own alias `<alias>_suggest` and rebuilt without downtime.
import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../../../common/clients/elasticsearch.ts';
import { aliasIndices } from '../../../mappings/lifecycle.ts';
import { normalizeSuggestion } from '../normalize.ts';

export type SuggestionSource = 'query' | 'catalog';

export interface SuggestionEntry {
  text: string;
  /** Popularity: distinct searchers for logged queries, products for catalog phrases (scaled). */
  weight: number;
  source: SuggestionSource;
}

export const suggestAliasOf = (productsAlias: string): string => `${productsAlias}_suggest`;

const settings: estypes.IndicesIndexSettings = {
  number_of_shards: 1,
  number_of_replicas: 0,
  analysis: {
    filter: { prefix_edge: { type: 'edge_ngram', min_gram: 1, max_gram: 20 } },
    analyzer: {
      folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] },
      folded_prefix: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding', 'prefix_edge'] },
    },
  },
};

const mappings: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    // Word-prefix matching anywhere in the phrase.
    text: { type: 'search_as_you_type', analyzer: 'folded' },
    // The same phrase as edge n-grams, for typo-tolerant prefixes (search_as_you_type takes no sub-fields).
    prefix: { type: 'text', analyzer: 'folded_prefix', search_analyzer: 'folded' },
    // The normalized phrase, for "starts with what was typed" without a term-expansion limit.
    key: { type: 'keyword' },
    weight: { type: 'float' },
    source: { type: 'keyword' },
  },
};

/** Builds a new version from the entries and switches the alias to it; returns the index name. */
export async function rebuildSuggestions(
  es: EsClient,
  productsAlias: string,
  entries: SuggestionEntry[],
): Promise<string> {
  const alias = suggestAliasOf(productsAlias);
  const index = `${alias}-${Date.now()}`;
  await es.indices.create({ index, settings, mappings });
  for (let i = 0; i < entries.length; i += 5000) {
    const res = await es.bulk({
      operations: entries
        .slice(i, i + 5000)
        .flatMap((e) => [{ index: { _index: index } }, { ...e, prefix: e.text, key: normalizeSuggestion(e.text) }]),
      filter_path: ['errors'],
    });
    if (res.errors) throw new Error(`bulk load of suggestions into ${index} reported errors`);
  }
  await es.indices.refresh({ index });
  const previous = await aliasIndices(es, alias);
  await es.indices.updateAliases({
    actions: [...previous.map((p) => ({ remove: { index: p, alias } })), { add: { index, alias } }],
  });
  for (const p of previous) await es.indices.delete({ index: p });
  return index;
}
