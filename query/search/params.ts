// The parameters of a search or category page: the schema the API validates them with, and what
// they become after validation, in one typed shape.
import { createHash } from 'node:crypto';
import type { FromSchema } from 'json-schema-to-ts';
import { BadRequestError } from '../../common/errors.ts';
import { boundedQuery, MAX_QUERY_WORDS } from './text-limits.ts';

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
  /** Brands left out (absent when none, so other requests' cache keys stay as they were). */
  brandsExcluded?: string[];
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

const text = <N extends number, D extends string>(maxLength: N, description: D) =>
  ({ type: 'string', maxLength, description }) as const;

/** An opaque customer id from the shop's backend. */
export const customerId = { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,128}$' } as const;

/** The shop's id of a browsing session. */
export const sessionId = { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,128}$' } as const;

/** How a shopper names themselves: a signed customer token (or a raw id where the service trusts them). */
export const customerRef = {
  type: 'string',
  pattern: '^[A-Za-z0-9_.:@-]{1,400}$',
  description:
    "A signed customer token minted by the shop's backend (a raw customer id only where SHOP_TRUST_CUSTOMER_IDS is set)",
} as const;

/** Filters, sort and paging: the same on /search and on category pages. */
export const listingQuerystring = {
  brand: {
    type: 'array',
    items: text(200, 'a brand'),
    maxItems: 20,
    description: 'Brands; several are ORed (repeat the parameter)',
  },
  brand_not: {
    type: 'array',
    items: text(200, 'a brand'),
    maxItems: 20,
    description: 'Brands to leave out (repeat the parameter)',
  },
  price_min: { type: 'number', minimum: 0, maximum: 1e9 },
  price_max: { type: 'number', minimum: 0, maximum: 1e9 },
  rating_min: { type: 'number', minimum: 0, maximum: 5 },
  in_stock: { type: 'boolean' },
  attr: {
    type: 'array',
    items: { type: 'string', pattern: '^[^:]{1,100}:.{1,200}$' },
    maxItems: 20,
    description: 'Attribute filters as name:value; values of one name are ORed',
  },
  sort: { type: 'string', enum: [...SORTS] },
  page: { type: 'integer', minimum: 1, maximum: 500 },
  size: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
  cursor: {
    type: 'string',
    maxLength: 1000,
    pattern: '^[A-Za-z0-9_.-]+$',
    description: 'next_cursor of the previous page, for paging past 10,000 results',
  },
  facets: {
    type: 'string',
    pattern: `^(${FACETS.join('|')})(,(${FACETS.join('|')}))*$`,
    description: `Facets to return, comma-separated (default all: ${FACETS.join(',')})`,
  },
  brand_facet_size: { type: 'integer', minimum: 1, maximum: 100 },
  brand_facet_q: text(50, 'Search within the brand facet'),
  profile: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'Ranking profile (experiments)' },
  explain: {
    type: 'boolean',
    description:
      'Admin only (x-admin-key): explain each score, the rules that fired and the position without rules; never cached',
  },
  customer: {
    ...customerRef,
    description:
      'A signed customer token (see the Security docs): results close to their recent items move up a little (page 1, merchandised order), and the query joins their recent searches for autocomplete',
  },
  recent: {
    type: 'string',
    maxLength: 8000,
    pattern: '^[A-Za-z0-9_.:@,-]*$',
    description:
      'Comma-separated product ids the shopper just viewed, most recent first (instead of, or without, a customer)',
  },
  session: {
    ...sessionId,
    description: 'The browsing session, recorded with what the answer showed (clicks are attributed through query_id)',
  },
  channel: {
    type: 'string',
    pattern: '^[A-Za-z0-9_-]{1,50}$',
    description: 'Where the shopper is (e.g. web, app); merchandiser rules may apply to some channels only',
  },
} as const;

export const searchQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: text(200, `What the shopper typed (its first ${MAX_QUERY_WORDS} words are searched)`),
    category: text(600, 'Category path, levels joined by " > "'),
    ...listingQuerystring,
  },
} as const;

export const browseQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: { q: text(200, 'Search within the category'), ...listingQuerystring },
} as const;

/** The parameters of a search as the API takes them (validated by searchQuerystring). */
export type SearchQuerystring = FromSchema<typeof searchQuerystring>;

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
    q: qs.q === undefined ? undefined : normalizeQuery(boundedQuery(qs.q)),
    category: fixedCategory ?? normalizeQuery(qs.category),
    brands: [...new Set(qs.brand ?? [])],
    ...(qs.brand_not?.length ? { brandsExcluded: [...new Set(qs.brand_not)] } : {}),
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
