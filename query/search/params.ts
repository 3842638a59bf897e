// A search or browse request after validation: what the shopper asked for, in one typed shape.
import { createHash } from 'node:crypto';
import { BadRequestError } from '../../common/errors.ts';

export const SORTS = ['relevance', 'price_asc', 'price_desc', 'rating', 'newest', 'popularity'] as const;
export type SortOption = (typeof SORTS)[number];

export const FACETS = ['category', 'brand', 'price', 'rating', 'in_stock', 'attributes'] as const;
export type FacetName = (typeof FACETS)[number];

export const MAX_PAGE_SIZE = 100;
/** from + size beyond this needs the cursor (Elasticsearch's max_result_window). */
export const MAX_WINDOW = 10000;

export interface AttributeFilter {
  name: string;
  values: string[];
}

export interface SearchParams {
  q?: string;
  /** Category path "Root > Child", root first. */
  category?: string;
  brands: string[];
  priceMin?: number;
  priceMax?: number;
  ratingMin?: number;
  inStock?: boolean;
  attributes: AttributeFilter[];
  sort: SortOption;
  page: number;
  size: number;
  cursor?: string;
  facets: FacetName[];
  brandFacetSize: number;
  brandFacetQuery?: string;
  profile: string;
  /** Where the shopper is (e.g. "web", "app"), for rules that apply to one channel. */
  channel?: string;
}

/** The raw querystring, as the route schema validates it. */
export interface SearchQuerystring {
  q?: string;
  category?: string;
  brand?: string[];
  price_min?: number;
  price_max?: number;
  rating_min?: number;
  in_stock?: boolean;
  attr?: string[];
  sort?: SortOption;
  page?: number;
  size?: number;
  cursor?: string;
  facets?: string;
  brand_facet_size?: number;
  brand_facet_q?: string;
  profile?: string;
  channel?: string;
  explain?: boolean;
  customer?: string;
  recent?: string;
}

/** Collapses whitespace and trims; an empty query is no query. */
export const normalizeQuery = (q: string | undefined): string | undefined => {
  const t = q?.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
};

export function toSearchParams(qs: SearchQuerystring, fixedCategory?: string): SearchParams {
  if (qs.price_min !== undefined && qs.price_max !== undefined && qs.price_min > qs.price_max)
    throw new BadRequestError('price_min must not exceed price_max', 'price_min');
  const byName = new Map<string, string[]>();
  for (const a of qs.attr ?? []) {
    const i = a.indexOf(':');
    const name = a.slice(0, i);
    byName.set(name, [...(byName.get(name) ?? []), a.slice(i + 1)]);
  }
  const page = qs.page ?? 1;
  const size = qs.size ?? 20;
  if (!qs.cursor && page * size > MAX_WINDOW)
    throw new BadRequestError(
      `page × size may not exceed ${MAX_WINDOW}; use the cursor (next_cursor) for deeper pages`,
      'page',
    );
  return {
    q: normalizeQuery(qs.q),
    category: fixedCategory ?? normalizeQuery(qs.category),
    brands: [...new Set(qs.brand ?? [])],
    priceMin: qs.price_min,
    priceMax: qs.price_max,
    ratingMin: qs.rating_min,
    inStock: qs.in_stock,
    attributes: [...byName].map(([name, values]) => ({ name, values: [...new Set(values)] })),
    sort: qs.sort ?? (qs.q ? 'relevance' : fixedCategory ? 'popularity' : 'relevance'),
    page,
    size,
    cursor: qs.cursor,
    facets: qs.facets ? ([...new Set(qs.facets.split(','))] as FacetName[]) : [...FACETS],
    brandFacetSize: qs.brand_facet_size ?? 10,
    brandFacetQuery: normalizeQuery(qs.brand_facet_q),
    profile: qs.profile ?? 'default',
    ...(qs.channel ? { channel: qs.channel } : {}),
  };
}

/** Identifies a result list (everything but the position in it), for cursors and cache keys. */
export function listFingerprint(p: SearchParams): string {
  const { page: _page, cursor: _cursor, ...list } = p;
  return createHash('sha1').update(JSON.stringify(list)).digest('base64url').slice(0, 16);
}
