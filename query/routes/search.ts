// GET /search: keyword search with filters, facets, sorts, pages and a cursor for deep paging.
import type { FastifyInstance } from 'fastify';
import { cachedAnswer, rulesFor, type QueryDeps } from '../listing.ts';
import { errorResponse, searchQuerystring, searchResponse } from '../schemas.ts';
import { toSearchParams, type SearchQuerystring } from '../search/params.ts';
import { personalizedAnswer } from '../search/personalized-answer.ts';
import { explained, runSearch } from '../search/search-service.ts';

export async function searchRoutes(app: FastifyInstance, deps: QueryDeps) {
  app.get<{ Querystring: SearchQuerystring }>(
    '/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Search products',
        description:
          'Text relevance blended with business signals; zero results are relaxed (see `relaxed`) and a spelling suggestion is offered (`did_you_mean`).',
        querystring: searchQuerystring,
        response: { 200: searchResponse, '4xx': errorResponse, '5xx': errorResponse },
      },
    },
    async (req, reply) => {
      const params = toSearchParams(req.query);
      const rules = await rulesFor(deps, { q: params.q, category: params.category, channel: params.channel });
      if (req.query.explain) {
        deps.admin.require(req);
        return explained(deps.search, params, false, rules.effects);
      }
      const result = await cachedAnswer(deps, reply, 'search', { ...params, rules: rules.key }, () =>
        runSearch(deps.search, params, false, rules.effects),
      );
      if (params.q && params.page === 1 && !params.cursor) {
        const customer = req.query.customer;
        deps.recordSearch?.(params.q, result.total, customer);
        // Only queries that found something as typed are worth offering back.
        if (customer && result.total > 0 && !result.relaxed) deps.recentSearches?.record(customer, params.q);
      }
      return personalizedAnswer(deps, result, params, req.query);
    },
  );
}
