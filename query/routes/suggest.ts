// GET /suggest?q=: autocomplete for the search box.
import type { FastifyInstance } from 'fastify';
import { cachedAnswer, rulesFor, type QueryDeps } from '../listing.ts';
import { customerId, errorResponse } from '../schemas.ts';
import { normalizeQuery } from '../search/params.ts';
import { normalizeSuggestion } from '../suggest/normalize.ts';
import { recentFirst } from '../suggest/recent-searches.ts';
import { highlightPrefixes, runSuggest, type QuerySuggestion } from '../suggest/suggest-service.ts';

const suggestResponse = {
  type: 'object',
  properties: {
    query: { type: 'string' },
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
    stale: { type: 'boolean' },
  },
} as const;

export async function suggestRoutes(app: FastifyInstance, deps: QueryDeps) {
  app.get<{ Querystring: { q: string; size?: number; customer?: string } }>(
    '/suggest',
    {
      schema: {
        tags: ['search'],
        summary: 'Autocomplete: query suggestions, categories and products for what has been typed so far',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['q'],
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 100 },
            size: { type: 'integer', minimum: 1, maximum: 20, description: 'Query suggestions to return (default 8)' },
            customer: {
              ...customerId,
              description:
                "A customer id: up to two of their recent searches (see /search) that start as typed come first, marked source 'recent'",
            },
          },
        },
        response: { 200: suggestResponse, '4xx': errorResponse, '5xx': errorResponse },
      },
    },
    async (req, reply) => {
      // A space after the last word is kept: it says the word is complete.
      const q = (normalizeQuery(req.query.q) ?? '') + (/\S\s+$/.test(req.query.q) ? ' ' : '');
      // Nothing to complete (only spaces or punctuation): an empty prefix would match every phrase.
      if (!normalizeSuggestion(q)) return { query: q, took: 0, suggestions: [], categories: [], products: [] };
      const size = req.query.size ?? 8;
      const rules = await rulesFor(deps, { q });
      const customer = req.query.customer;
      // The shared answer is cached; the customer's own searches join it after the cache.
      const [answer, recent] = await Promise.all([
        cachedAnswer(deps, reply, 'suggest', { q: q.toLowerCase(), size, rules: rules.key }, () =>
          runSuggest(deps.suggest, q, { suggestions: size, products: 4 }, rules.effects),
        ),
        customer && deps.recentSearches ? deps.recentSearches.list(customer) : [],
      ]);
      if (recent.length === 0) return answer;
      const shared = new Map(answer.suggestions.map((s) => [s.text, s]));
      const suggestions = recentFirst([...shared.keys()], recent, q, size).map(
        ({ text, recent }): QuerySuggestion =>
          recent ? { text, highlighted: highlightPrefixes(text, q), source: 'recent' } : shared.get(text)!,
      );
      return { ...answer, suggestions };
    },
  );
}
