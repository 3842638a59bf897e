// One live product, with everything a product page needs.
import { idsClause } from '../../mappings/clauses.ts';
import type { SearchContext } from './search-service.ts';

export const PRODUCT_FIELDS = [
  'id',
  'title',
  'description',
  'brand',
  'categories',
  'category_leaf',
  'price',
  'list_price',
  'discount_pct',
  'currency',
  'rating',
  'rating_count',
  'in_stock',
  'attributes',
  'related',
  'popularity',
  'created_at',
  'updated_at',
];

export type ProductPage = Record<string, unknown> & { id?: string };

/** The product, or an empty object when it is unknown or deleted (so the absence can be cached too). */
export async function productPage(ctx: SearchContext, id: string): Promise<ProductPage> {
  // A search through the alias (not GET by id) so its live filter hides deleted products.
  const res = await ctx.es.search<Record<string, unknown>>(
    { index: ctx.alias, size: 1, _source: PRODUCT_FIELDS, query: idsClause([id]) },
    { requestTimeout: ctx.budgetMs },
  );
  const hit = res.hits.hits[0];
  return hit ? { ...hit._source, category: hit._source?.category_leaf } : {};
}
