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
import { type Impressions, listingImpression } from '../impressions.ts';
import { errorResponses } from '../schemas/common.ts';
import { searchResponse } from '../schemas/search.ts';
import { shopperOf } from '../shopper.ts';

export interface SearchRouteDeps {
  engine: SearchEngine;
  admin: AdminAuth;
  impressions: Impressions;
  customers: Customers;
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
      const customer = shopper.customer;
      const who = { session: req.query.session, customer };
      const query_id = deps.impressions.track(listingImpression('search', params, result, who));
      if (customer && params.q && params.page === 1 && !params.cursor) {
        // Only queries that found something as typed are worth offering back.
        const text = recentSearchText(params.q);
        if (text && result.total > 0 && !result.relaxed) deps.recentSearches?.record(customer, text);
      }
      return { query_id, ...result };
    },
  );
}
