// GET /suggest?q=: autocomplete for the search box.
import type { FastifyInstance } from 'fastify';
import { cachedAnswer, rulesFor, type QueryDeps } from '../listing.ts';
import { errorResponse } from '../schemas.ts';
import { normalizeQuery } from '../search/params.ts';
import { normalizeSuggestion } from '../suggest/normalize.ts';
import { runSuggest } from '../suggest/suggest-service.ts';

const suggestResponse = {
  type: 'object',
  properties: {
    query: { type: 'string' },
    took: { type: 'integer' },
    suggestions: { type: 'array', items: { type: 'object', properties: { text: { type: 'string' }, highlighted: { type: 'string' }, source: { type: 'string', enum: ['query', 'catalog'] } } } },
    categories: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, name: { type: 'string' }, count: { type: 'integer' } } } },
    products: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, brand: { type: 'string' }, price: { type: 'number' }, currency: { type: 'string' } } } },
    stale: { type: 'boolean' },
  },
} as const;

export async function suggestRoutes(app: FastifyInstance, deps: QueryDeps) {
  app.get<{ Querystring: { q: string; size?: number } }>(
    '/suggest',
    {
      schema: {
        tags: ['search'],
        summary: 'Autocomplete: query suggestions, categories and products for what has been typed so far',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['q'],
          properties: { q: { type: 'string', minLength: 1, maxLength: 100 }, size: { type: 'integer', minimum: 1, maximum: 20, description: 'Query suggestions to return (default 8)' } },
        },
        response: { 200: suggestResponse, '4xx': errorResponse, '5xx': errorResponse },
      },
    },
    async (req, reply) => {
      const q = normalizeQuery(req.query.q) ?? '';
      // Nothing to complete (only spaces or punctuation): an empty prefix would match every phrase.
      if (!normalizeSuggestion(q)) return { query: q, took: 0, suggestions: [], categories: [], products: [] };
      const size = req.query.size ?? 8;
      const rules = await rulesFor(deps, { q });
      return cachedAnswer(deps, reply, 'suggest', { q: q.toLowerCase(), size, rules: rules.key }, () => runSuggest(deps.suggest, q, { suggestions: size, products: 4 }, rules.effects));
    },
  );
}
