// Facet aggregations and their answers: hierarchical category, brand (top N, search-within,
// selected values always shown), price ranges from the current result set, rating, stock and
// attributes. Each facet counts under every selection except its own (see filters.ts).
import type { estypes } from '@elastic/elasticsearch';
import { CATEGORY_SEPARATOR } from '../../catalog/product.ts';
import { MAX_CATEGORY_DEPTH } from '../../mappings/products.ts';
import { facetFiltersExcept, type Filters } from './filters.ts';
import type { SearchParams } from './params.ts';
import { categoryClause, FIELDS } from '../../mappings/clauses.ts';

type Aggs = Record<string, estypes.AggregationsAggregationContainer>;

export interface FacetValue {
  value: string;
  count: number;
  selected: boolean;
}

export interface CategoryNode extends FacetValue {
  /** The last level's name, e.g. "Kitchen" for "Home > Kitchen". */
  name: string;
  children?: CategoryNode[];
}

export interface PriceBucket {
  from?: number;
  to?: number;
  count: number;
  selected: boolean;
}

export interface Facets {
  category?: CategoryNode[];
  brand?: FacetValue[];
  price?: { buckets: PriceBucket[]; min?: number; max?: number };
  rating?: { min: number; count: number; selected: boolean }[];
  in_stock?: { value: boolean; count: number; selected: boolean }[];
  attributes?: { name: string; values: FacetValue[] }[];
}

/**
 * Price boundaries fine enough to merge into a few ranges for any catalog, from cents to cars.
 * Merging adjacent ladder buckets gives exact counts on round numbers in one request.
 */
export const PRICE_LADDER = (() => {
  const steps = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5];
  const out: number[] = [];
  for (let magnitude = 1; magnitude <= 1e6; magnitude *= 10) for (const s of steps) out.push(s * magnitude);
  return out;
})();

/** Merges consecutive ladder buckets into at most `target` ranges of roughly equal counts. */
export function mergePriceBuckets(
  buckets: { from?: number; to?: number; count: number }[],
  target = 5,
): { from?: number; to?: number; count: number }[] {
  const nonEmpty = buckets.filter((b) => b.count > 0);
  const total = nonEmpty.reduce((n, b) => n + b.count, 0);
  if (total === 0) return [];
  const out: { from?: number; to?: number; count: number }[] = [];
  let current: { from?: number; to?: number; count: number } | undefined;
  let seen = 0;
  for (const b of nonEmpty) {
    current = current ? { from: current.from, to: b.to, count: current.count + b.count } : { ...b };
    seen += b.count;
    // Close a range once it reaches its share of the results, leaving ranges for the rest.
    if (out.length < target - 1 && seen >= (total * (out.length + 1)) / target) {
      out.push(current);
      current = undefined;
    }
  }
  if (current) out.push(current);
  return out;
}

export function facetAggregations(p: SearchParams, f: Filters): Aggs {
  const aggs: Aggs = {};
  const scoped = (
    key: Parameters<typeof facetFiltersExcept>[1] | undefined,
    inner: Aggs,
  ): estypes.AggregationsAggregationContainer => ({
    filter: { bool: { filter: key ? facetFiltersExcept(f, key) : facetFiltersExcept(f) } },
    aggs: inner,
  });
  if (p.facets.includes('category')) {
    // Level 0 always; then the children of each level of the selected path.
    const levels = p.category ? p.category.split(CATEGORY_SEPARATOR).length : 0;
    const inner: Aggs = { lvl0: { terms: { field: FIELDS.categoryLevel(0), size: 50 } } };
    for (let i = 1; i <= Math.min(levels, MAX_CATEGORY_DEPTH - 1); i++) {
      const ancestor = p.category!.split(CATEGORY_SEPARATOR).slice(0, i).join(CATEGORY_SEPARATOR);
      inner[`lvl${i}`] = {
        filter: categoryClause(ancestor),
        aggs: { values: { terms: { field: FIELDS.categoryLevel(i), size: 100 } } },
      };
    }
    aggs.category = scoped('category', inner);
  }
  if (p.facets.includes('brand')) {
    const within: estypes.QueryDslQueryContainer = p.brandFacetQuery
      ? { match_phrase_prefix: { [FIELDS.brandText]: { query: p.brandFacetQuery } } }
      : { match_all: {} };
    aggs.brand = scoped('brand', {
      top: { filter: within, aggs: { values: { terms: { field: FIELDS.brand, size: p.brandFacetSize } } } },
      ...(p.brands.length > 0
        ? { selected: { terms: { field: FIELDS.brand, include: p.brands, size: p.brands.length } } }
        : {}),
    });
  }
  if (p.facets.includes('price')) {
    const ranges = [
      { to: PRICE_LADDER[0] },
      ...PRICE_LADDER.map((from, i) => ({ from, ...(PRICE_LADDER[i + 1] ? { to: PRICE_LADDER[i + 1] } : {}) })),
    ];
    aggs.price = scoped('price', {
      ladder: { range: { field: FIELDS.price, ranges } },
      stats: { stats: { field: FIELDS.price } },
    });
  }
  if (p.facets.includes('rating'))
    aggs.rating = scoped('rating', {
      at_least: { range: { field: FIELDS.rating, ranges: [4, 3, 2, 1].map((from) => ({ key: String(from), from })) } },
    });
  if (p.facets.includes('in_stock'))
    aggs.in_stock = scoped('in_stock', { values: { terms: { field: FIELDS.inStock, size: 2 } } });
  if (p.facets.includes('attributes')) {
    const selectedNames = p.attributes.map((a) => a.name);
    // Unselected attributes count under every selection; each selected one leaves out its own.
    aggs.attributes = scoped(undefined, {
      nested: {
        nested: { path: FIELDS.attrs },
        aggs: {
          names: {
            terms: { field: FIELDS.attrName, size: 15 },
            aggs: { values: { terms: { field: FIELDS.attrValue, size: 20 } } },
          },
        },
      },
    });
    selectedNames.forEach((name, i) => {
      aggs[`attribute_${i}`] = scoped(`attr:${name}`, {
        nested: {
          nested: { path: FIELDS.attrs },
          aggs: {
            named: {
              filter: { term: { [FIELDS.attrName]: name } },
              aggs: { values: { terms: { field: FIELDS.attrValue, size: 50 } } },
            },
          },
        },
      });
    });
  }
  return aggs;
}

interface TermsBucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
}
// Aggregation answers are nested by name; their shape follows the request built in facetAggregations.
// biome-ignore lint/suspicious/noExplicitAny: walking Elasticsearch's untyped aggregation tree
type AnyAgg = Record<string, any>;

const buckets = (agg: AnyAgg | undefined): TermsBucket[] => (agg?.buckets as TermsBucket[] | undefined) ?? [];

function categoryTree(agg: AnyAgg, selected: string | undefined): CategoryNode[] {
  const path = selected ? selected.split(CATEGORY_SEPARATOR) : [];
  const level = (i: number): TermsBucket[] => (i === 0 ? buckets(agg.lvl0) : buckets(agg[`lvl${i}`]?.values));
  const build = (i: number): CategoryNode[] =>
    level(i).map((b) => {
      const value = String(b.key);
      const onPath = path.length > i && value === path.slice(0, i + 1).join(CATEGORY_SEPARATOR);
      const node: CategoryNode = {
        value,
        name: value.split(CATEGORY_SEPARATOR).at(-1)!,
        count: b.doc_count,
        selected: onPath,
      };
      if (onPath && agg[`lvl${i + 1}`]) node.children = build(i + 1);
      return node;
    });
  return build(0);
}

export function parseFacets(p: SearchParams, aggs: AnyAgg | undefined): Facets {
  if (!aggs) return {};
  const out: Facets = {};
  if (aggs.category) out.category = categoryTree(aggs.category, p.category);
  if (aggs.brand) {
    const top = buckets(aggs.brand.top?.values).map((b) => ({
      value: String(b.key),
      count: b.doc_count,
      selected: p.brands.includes(String(b.key)),
    }));
    const shown = new Set(top.map((b) => b.value));
    const extra = buckets(aggs.brand.selected)
      .filter((b) => !shown.has(String(b.key)))
      .map((b) => ({ value: String(b.key), count: b.doc_count, selected: true }));
    out.brand = [...top, ...extra];
  }
  if (aggs.price) {
    const ladder = buckets(aggs.price.ladder) as unknown as { from?: number; to?: number; doc_count: number }[];
    const merged = mergePriceBuckets(ladder.map((b) => ({ from: b.from, to: b.to, count: b.doc_count })));
    out.price = {
      buckets: merged.map((b) => ({
        ...b,
        selected: p.priceMin === b.from && (p.priceMax === undefined ? b.to === undefined : p.priceMax === b.to),
      })),
      min: aggs.price.stats?.min ?? undefined,
      max: aggs.price.stats?.max ?? undefined,
    };
  }
  if (aggs.rating)
    out.rating = buckets(aggs.rating.at_least).map((b) => ({
      min: Number(b.key),
      count: b.doc_count,
      selected: p.ratingMin === Number(b.key),
    }));
  if (aggs.in_stock)
    out.in_stock = buckets(aggs.in_stock.values).map((b) => ({
      value: b.key === 1 || b.key === 'true',
      count: b.doc_count,
      selected: p.inStock === (b.key === 1 || b.key === 'true'),
    }));
  if (aggs.attributes) {
    const selected = new Map(p.attributes.map((a, i) => [a.name, { values: a.values, agg: aggs[`attribute_${i}`] }]));
    out.attributes = buckets(aggs.attributes.nested?.names).map((n) => {
      const name = String(n.key);
      const sel = selected.get(name);
      const source = sel ? buckets(sel.agg?.nested?.named?.values) : buckets((n as AnyAgg).values);
      return {
        name,
        values: source.map((b) => ({
          value: String(b.key),
          count: b.doc_count,
          selected: sel?.values.includes(String(b.key)) ?? false,
        })),
      };
    });
  }
  return out;
}
