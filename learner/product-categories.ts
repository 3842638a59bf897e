// The category path of products, looked up in the live index in one request per batch and kept
// in a bounded in-process cache (categories rarely change; a miss is one more lookup later).
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { memoryCache, stringBytes } from '../common/memory-cache.ts';
import { FIELDS, idsClause } from '../mappings/clauses.ts';

export interface ProductCategories {
  /** Looks up what is not known yet; after it resolves, `of` answers for these ids. */
  load(ids: Iterable<string>): Promise<void>;
  of(id: string): string | undefined;
}

export function productCategories(es: EsClient, alias: string, maxBytes = 16 * 2 ** 20): ProductCategories {
  // '' stands for "no category", so products without one are not looked up again.
  const known = memoryCache<string>({ maxBytes, sizeOf: stringBytes });
  return {
    async load(ids) {
      const missing = [...new Set(ids)].filter((id) => !known.has(id));
      for (let i = 0; i < missing.length; i += 1000) {
        const chunk = missing.slice(i, i + 1000);
        const res = await es.search<Record<string, unknown>>({
          index: alias,
          // No index yet (a new shop): no categories, rather than no learning.
          ignore_unavailable: true,
          allow_no_indices: true,
          size: chunk.length,
          _source: [FIELDS.categoryLeaf],
          query: idsClause(chunk),
        });
        for (const id of chunk) known.set(id, '');
        for (const h of res.hits.hits) known.set(h._id!, String(h._source?.[FIELDS.categoryLeaf] ?? ''));
      }
    },
    of: (id) => known.get(id) || undefined,
  };
}
