// GET /search: keyword search with filters, facets, sorts, pages and a cursor for deep paging.
import type { SchemaTypes } from '../schema-types.ts';
import type { FastifyInstance } from 'fastify';
import type { RecentSearches } from '../../../stores/recent-searches.ts';
import type { SearchEngine } from '../../search/engine.ts';
import { searchQuerystring, toSearchParams } from '../../search/params.ts';
import { recentSearchText } from '../../suggest/recent-first.ts';
import type { AdminAuth } from '../admin-auth.ts';
import type { Customers } from '../customers.ts';
import { sendAnswer } from '../answer.ts';
import { errorResponses } from '../schemas/common.ts';
import { searchResponse } from '../schemas/search.ts';
import { shopperOf } from '../shopper.ts';

export interface SearchRouteDeps {
  engine: SearchEngine;
  admin: AdminAuth;
  customers: Customers;
  /** Records searches for autocomplete; never awaited by a request. */
  recordSearch?: (query: string, total: number, customer?: string) => void;
  /** Each customer's own recent searches, offered first in their autocomplete; off when absent. */
  recentSearches?: RecentSearches;
}

export async function searchRoutes(fastify: FastifyInstance, deps: SearchRouteDeps) {
  const app = fastify.withTypeProvider<SchemaTypes>();
  app.get(
    '/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Search products',
        description:
          'Text relevance blended with business signals; zero results are relaxed (see `relaxed`) and a spelling suggestion is offered (`did_you_mean`).',
        querystring: searchQuerystring,
        response: { 200: searchResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const params = toSearchParams(req.query);
      if (req.query.explain) {
        deps.admin.require(req);
        return deps.engine.explain(params);
      }
      const shopper = shopperOf(req.query, deps.customers);
      const result = sendAnswer(reply, await deps.engine.list(params, shopper));
      if (params.q && params.page === 1 && !params.cursor) {
        const customer = shopper.customer;
        deps.recordSearch?.(params.q, result.total, customer);
        // Only queries that found something as typed are worth offering back.
        const text = recentSearchText(params.q);
        if (customer && text && result.total > 0 && !result.relaxed) deps.recentSearches?.record(customer, text);
      }
      return result;
    },
  );
}
