// The products index: analysis chain, field mappings and settings of one index version.
// Only features present in both Elasticsearch 7.10 and 8.x (and OpenSearch) are used.
import fs from 'node:fs';
import type { estypes } from '@elastic/elasticsearch';

/** Deepest category level with its own facet field (category.lvl0 .. lvl5). */
export const MAX_CATEGORY_DEPTH = 6;

/** The filter of the read alias: only live products are searchable. */
export const LIVE_FILTER = { term: { live: true } } as const;

export interface IndexSettingsInput {
  shards: number;
  replicas: number;
  refreshInterval: string;
  synonyms: string[];
}

/** Reads a Solr-format synonyms file, dropping comments and blank lines. */
export function readSynonyms(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function productIndexSettings(input: IndexSettingsInput): estypes.IndicesIndexSettings {
  return {
    number_of_shards: input.shards,
    number_of_replicas: input.replicas,
    refresh_interval: input.refreshInterval,
    max_result_window: 10000,
    analysis: {
      filter: {
        english_possessive: { type: 'stemmer', language: 'possessive_english' },
        // KStem: gentle on product words ("glasses" stays apart from "glass" less often than Porter).
        english_stemmer: { type: 'stemmer', language: 'light_english' },
        shop_synonyms: { type: 'synonym_graph', synonyms: input.synonyms, lenient: true },
        autocomplete_edge: { type: 'edge_ngram', min_gram: 1, max_gram: 20 },
      },
      normalizer: {
        lowercase_ascii: { type: 'custom', filter: ['lowercase', 'asciifolding'] },
      },
      analyzer: {
        text_en: {
          type: 'custom',
          tokenizer: 'standard',
          char_filter: ['html_strip'],
          filter: ['lowercase', 'asciifolding', 'english_possessive', 'english_stemmer'],
        },
        text_en_search: {
          type: 'custom',
          tokenizer: 'standard',
          filter: ['lowercase', 'asciifolding', 'english_possessive', 'shop_synonyms', 'english_stemmer'],
        },
        text_plain: {
          type: 'custom',
          tokenizer: 'standard',
          char_filter: ['html_strip'],
          filter: ['lowercase', 'asciifolding'],
        },
        autocomplete_index: {
          type: 'custom',
          tokenizer: 'standard',
          filter: ['lowercase', 'asciifolding', 'autocomplete_edge'],
        },
        autocomplete_search: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] },
      },
    },
  };
}

const keyword: estypes.MappingProperty = { type: 'keyword' };
const englishText = { type: 'text', analyzer: 'text_en', search_analyzer: 'text_en_search' } as const;

export function productMappings(): estypes.MappingTypeMapping {
  const levels = Object.fromEntries(Array.from({ length: MAX_CATEGORY_DEPTH }, (_, i) => [`lvl${i}`, keyword]));
  return {
    dynamic: 'strict',
    properties: {
      id: keyword,
      title: {
        ...englishText,
        fields: {
          plain: { type: 'text', analyzer: 'text_plain' },
          prefix: { type: 'text', analyzer: 'autocomplete_index', search_analyzer: 'autocomplete_search' },
          sort: { type: 'keyword', normalizer: 'lowercase_ascii', ignore_above: 256 },
        },
      },
      /** The title up to "for …" / "compatible with …": what the product is, not what it goes with. */
      title_head: { ...englishText },
      description: { ...englishText },
      brand: {
        ...englishText,
        fields: { keyword: { type: 'keyword', ignore_above: 256 }, plain: { type: 'text', analyzer: 'text_plain' } },
      },
      // Hierarchical facet fields, one per depth: lvl1 holds "Root > Child" and so on.
      category: { properties: levels },
      /** Every ancestor path of the product's category, for "is under" filters. */
      category_paths: keyword,
      category_leaf: keyword,
      category_depth: { type: 'integer' },
      category_text: { ...englishText },
      /** The category path as the catalog gave it, root first. */
      categories: { type: 'keyword', index: false },
      price: { type: 'scaled_float', scaling_factor: 100 },
      list_price: { type: 'scaled_float', scaling_factor: 100 },
      discount_pct: { type: 'float' },
      currency: keyword,
      rating: { type: 'float' },
      rating_count: { type: 'integer' },
      in_stock: { type: 'boolean' },
      popularity: { type: 'float' },
      // Positive-only business signals for rank_feature queries (bounded, saturating boosts).
      signals: {
        properties: {
          popularity: { type: 'rank_feature' },
          rating: { type: 'rank_feature' },
        },
      },
      attributes: { type: 'object', enabled: false },
      attrs: { type: 'nested', properties: { name: keyword, value: keyword } },
      related: { type: 'keyword', index: false },
      suggest: { type: 'completion', analyzer: 'autocomplete_search', preserve_separators: true, max_input_length: 60 },
      created_at: { type: 'date' },
      updated_at: { type: 'date' },
      // Write-path bookkeeping (see indexer/merge.ts): newest version applied, per-field versions,
      // and whether the product is visible. The read alias filters on `live`, so tombstones and
      // patches still waiting for their product are never searched.
      version: { type: 'long' },
      upsert_version: { type: 'long' },
      deleted_version: { type: 'long' },
      fv: { type: 'object', enabled: false },
      live: { type: 'boolean' },
    },
  };
}
