// JSON Schemas shared by routes: validation of what comes in, serialization and docs of what goes out.
import { FACETS, MAX_PAGE_SIZE, SORTS } from './search/params.ts';

const text = (maxLength: number, description: string) => ({ type: 'string', maxLength, description }) as const;
/** An opaque customer id from the shop's backend. */
export const customerId = { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,128}$' } as const;

/** Filters, sort and paging: the same on /search and on category pages. */
export const listingQuerystring = {
  brand: {
    type: 'array',
    items: text(200, 'a brand'),
    maxItems: 20,
    description: 'Brands; several are ORed (repeat the parameter)',
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
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'next_cursor of the previous page, for paging past 10,000 results',
  },
  facets: {
    type: 'string',
    pattern: `^(${FACETS.join('|')})(,(${FACETS.join('|')}))*$`,
    description: `Facets to return, comma-separated (default all: ${FACETS.join(',')})`,
  },
  brand_facet_size: { type: 'integer', minimum: 1, maximum: 100 },
  brand_facet_q: text(50, 'Search within the brand facet'),
  profile: text(40, 'Ranking profile (experiments)'),
  explain: {
    type: 'boolean',
    description:
      'Admin only (x-admin-key): explain each score, the rules that fired and the position without rules; never cached',
  },
  customer: {
    ...customerId,
    description:
      'A customer id: results close to their recent items move up a little (page 1, merchandised order), and the query joins their recent searches for autocomplete',
  },
  recent: {
    type: 'string',
    maxLength: 8000,
    pattern: '^[A-Za-z0-9_.:@,-]*$',
    description:
      'Comma-separated product ids the shopper just viewed, most recent first (instead of, or without, a customer)',
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
    q: text(200, 'What the shopper typed'),
    category: text(600, 'Category path, levels joined by " > "'),
    ...listingQuerystring,
  },
} as const;

export const browseQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: { q: text(200, 'Search within the category'), ...listingQuerystring },
} as const;

const hit = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    brand: { type: 'string' },
    price: { type: 'number' },
    list_price: { type: 'number' },
    discount_pct: { type: 'number' },
    currency: { type: 'string' },
    rating: { type: 'number' },
    rating_count: { type: 'integer' },
    in_stock: { type: 'boolean' },
    categories: { type: 'array', items: { type: 'string' } },
    category: { type: 'string' },
    highlight: { type: 'object', properties: { title: { type: 'string' }, description: { type: 'string' } } },
  },
} as const;

const explanation = {
  type: 'object',
  properties: {
    score: { type: 'number' },
    text: { type: 'number' },
    signals: { type: 'object', additionalProperties: { type: 'number' } },
    rules: {
      type: 'array',
      items: { type: 'object', properties: { rule: { type: 'string' }, factor: { type: 'number' } } },
    },
    position_without_rules: { type: ['integer', 'null'] },
  },
} as const;

const searchHit = {
  ...hit,
  properties: {
    ...hit.properties,
    pinned: { type: 'boolean', description: 'Placed at this position by a merchandiser rule' },
    explain: explanation,
  },
} as const;

export const searchResponse = {
  type: 'object',
  properties: {
    query: { type: 'string' },
    total: { type: 'integer' },
    took: { type: 'integer' },
    page: { type: 'integer' },
    size: { type: 'integer' },
    hits: { type: 'array', items: searchHit },
    facets: { type: 'object', additionalProperties: true },
    next_cursor: { type: 'string' },
    relaxed: {
      type: 'object',
      properties: {
        query: { type: 'string' },
        dropped_terms: { type: 'array', items: { type: 'string' } },
        fuzzy: { type: 'boolean' },
      },
    },
    did_you_mean: { type: 'string' },
    partial: { type: 'boolean' },
    stale: { type: 'boolean' },
    profile: { type: 'string' },
    redirect: { type: 'string', description: 'A merchandiser rule sends this query to this URL instead of results' },
    rewritten_query: { type: 'string', description: 'A merchandiser rule replaced the query with this one' },
    personalized: { type: 'integer', description: 'How many of the top results moved for this customer' },
    breadcrumbs: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, path: { type: 'string' } } },
    },
  },
} as const;

export const errorResponse = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
  },
} as const;

export const productResponse = {
  type: 'object',
  properties: {
    ...hit.properties,
    description: { type: 'string' },
    attributes: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    related: { type: 'array', items: { type: 'string' } },
    popularity: { type: 'number' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;
