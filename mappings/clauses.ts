// The one place that knows how to ask the products index for something: its field names and the
// clause shapes over them. Search filters, facets, merchandiser rule groups, autocomplete and the
// category tree build their Elasticsearch clauses from these, so a mapping change is made here.
import type { estypes } from '@elastic/elasticsearch';

export type Query = estypes.QueryDslQueryContainer;

/** Product fields queries and sorts refer to. */
export const FIELDS = {
  id: 'id',
  brand: 'brand.keyword',
  brandText: 'brand.plain',
  price: 'price',
  rating: 'rating',
  ratingCount: 'rating_count',
  inStock: 'in_stock',
  popularity: 'popularity',
  createdAt: 'created_at',
  categoryPaths: 'category_paths',
  categoryLeaf: 'category_leaf',
  categoryLevel: (i: number) => `category.lvl${i}`,
  attrs: 'attrs',
  attrName: 'attrs.name',
  attrValue: 'attrs.value',
  title: 'title',
  titlePlain: 'title.plain',
  titlePrefix: 'title.prefix',
  titleHead: 'title_head',
  popularitySignal: 'signals.popularity',
  ratingSignal: 'signals.rating',
} as const;

export const idsClause = (ids: readonly string[]): Query => ({ ids: { values: [...ids] } });

/** Products at or under a category path. */
export const categoryClause = (path: string): Query => ({ term: { [FIELDS.categoryPaths]: path } });

export const brandsClause = (brands: readonly string[]): Query => ({ terms: { [FIELDS.brand]: [...brands] } });

/** Price within [min, max], either end open. */
export const priceClause = (min: number | undefined, max: number | undefined): Query => ({
  range: { [FIELDS.price]: { ...(min !== undefined ? { gte: min } : {}), ...(max !== undefined ? { lte: max } : {}) } },
});

export const ratingAtLeastClause = (min: number): Query => ({ range: { [FIELDS.rating]: { gte: min } } });

export const inStockClause = (inStock: boolean): Query => ({ term: { [FIELDS.inStock]: inStock } });

/** Any of `values` for the attribute `name` (attributes are nested name/value pairs). */
export const attributeClause = (name: string, values: readonly string[]): Query => ({
  nested: {
    path: FIELDS.attrs,
    query: {
      bool: { filter: [{ term: { [FIELDS.attrName]: name } }, { terms: { [FIELDS.attrValue]: [...values] } }] },
    },
  },
});

/** Every clause must hold; one clause stays itself. */
export const allOf = (clauses: readonly Query[]): Query =>
  clauses.length === 1 ? clauses[0]! : { bool: { filter: [...clauses] } };

/** Excludes products by id. */
export const notIds = (ids: readonly string[]): Query => ({ bool: { must_not: [idsClause(ids)] } });

/** A sort on a product field, products without a value last. */
export const sortOn = (field: string, order: 'asc' | 'desc'): estypes.SortCombinations => ({
  [field]: { order, missing: '_last' },
});
