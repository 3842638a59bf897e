// /search and category pages: the answer they serialize (the parameters are the engine's, query/search/params.ts).

export const hit = {
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
    query_id: { type: 'string', description: 'Names this answer in events (click, add_to_cart, ...)' },
    query: { type: 'string' },
    experiment: {
      type: 'object',
      description: 'The experiment the session is in and the variant it was served (absent outside experiments)',
      properties: { id: { type: 'string' }, variant: { type: 'string' } },
    },
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
