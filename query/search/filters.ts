// Filters as Elasticsearch clauses, grouped by facet. Selections inside one facet are ORed, facets
// are ANDed. Facet filters go to post_filter, and each facet's own aggregation leaves out its own
// selection (disjunctive faceting): picking one brand keeps the other brands and their counts visible.
import {
  attributeClause,
  brandsClause,
  categoryClause,
  inStockClause,
  priceClause,
  type Query,
  ratingAtLeastClause,
} from '../../mappings/clauses.ts';
import type { SearchParams } from './params.ts';

export type FacetKey = 'category' | 'brand' | 'price' | 'rating' | 'in_stock' | `attr:${string}`;

export interface Filters {
  /** Always applied (e.g. the category of a category page). */
  base: Query[];
  /** Shopper selections, by facet. */
  byFacet: Map<FacetKey, Query>;
}

export function buildFilters(p: SearchParams, categoryIsFixed: boolean): Filters {
  const base: Query[] = [];
  const byFacet = new Map<FacetKey, Query>();
  if (p.category) {
    const clause = categoryClause(p.category);
    if (categoryIsFixed) base.push(clause);
    else byFacet.set('category', clause);
  }
  const excluded = p.brandsExcluded ?? [];
  if (excluded.length > 0)
    byFacet.set('brand', {
      bool: {
        ...(p.brands.length > 0 ? { filter: [brandsClause(p.brands)] } : {}),
        must_not: [brandsClause(excluded)],
      },
    });
  else if (p.brands.length > 0) byFacet.set('brand', brandsClause(p.brands));
  if (p.priceMin !== undefined || p.priceMax !== undefined) byFacet.set('price', priceClause(p.priceMin, p.priceMax));
  if (p.ratingMin !== undefined) byFacet.set('rating', ratingAtLeastClause(p.ratingMin));
  if (p.inStock !== undefined) byFacet.set('in_stock', inStockClause(p.inStock));
  for (const a of p.attributes) byFacet.set(`attr:${a.name}`, attributeClause(a.name, a.values));
  return { base, byFacet };
}

/** Every facet selection except those `exclude` names. */
export function facetFiltersExcept(f: Filters, ...exclude: FacetKey[]): Query[] {
  return [...f.byFacet].filter(([k]) => !exclude.includes(k)).map(([, q]) => q);
}
