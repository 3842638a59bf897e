// /suggest: autocomplete for the search box.
import { customerRef, sessionId } from '../../search/params.ts';

export const suggestQuerystring = {
  type: 'object',
  additionalProperties: false,
  required: ['q'],
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 100 },
    size: { type: 'integer', minimum: 1, maximum: 20, description: 'Query suggestions to return (default 8)' },
    session: { ...sessionId, description: 'The browsing session, recorded with what the answer showed' },
    customer: {
      ...customerRef,
      description:
        "A signed customer token (see the Security docs): up to two of their recent searches (see /search) that start as typed come first, marked source 'recent'",
    },
  },
} as const;

export const suggestResponse = {
  type: 'object',
  properties: {
    query_id: { type: 'string', description: 'Names this answer in events (suggestion_click)' },
    query: { type: 'string' },
    experiment: {
      type: 'object',
      description: 'The experiment the session is in and the variant it was served (absent outside experiments)',
      properties: { id: { type: 'string' }, variant: { type: 'string' } },
    },
    took: { type: 'integer' },
    suggestions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          text: { type: 'string' },
          highlighted: { type: 'string' },
          source: { type: 'string', enum: ['query', 'catalog', 'recent'] },
        },
      },
    },
    categories: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, name: { type: 'string' }, count: { type: 'integer' } },
      },
    },
    products: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          brand: { type: 'string' },
          price: { type: 'number' },
          currency: { type: 'string' },
        },
      },
    },
    degraded: {
      type: 'boolean',
      description:
        'True when products and categories were left out (Elasticsearch slow or busy) or query suggestions are not loaded yet',
    },
  },
} as const;
