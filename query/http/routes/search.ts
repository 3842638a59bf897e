// GET /search: keyword search with filters, facets, sorts, pages and a cursor for deep paging.
import type { SchemaTypes } from '../schema-types.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RecentSearches } from '../../../stores/recent-searches.ts';
import type { ListingResult, SearchEngine } from '../../search/engine.ts';
import type { Shopper } from '../../search/personalized-answer.ts';
import { type SearchParams, searchQuerystring, toSearchParams } from '../../search/params.ts';
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

/**
 * A search as /search answers it: the engine's list, its impression (query id), and the query
 * among the customer's recent searches. The Algolia protocol routes search through this too.
 */
export async function searchAnswer(
  deps: SearchRouteDeps,
  reply: FastifyReply,
  params: SearchParams,
  shopper: Shopper,
  /** Whether to record what the answer showed (Algolia's analytics=false: not). */
  track = true,
): Promise<{ result: ListingResult; query_id?: string }> {
  const result = sendAnswer(reply, await deps.engine.list(params, shopper));
  if (!track) return { result };
  const customer = shopper.customer;
  const who = { session: shopper.session, customer };
  const query_id = deps.impressions.track(listingImpression('search', params, result, who));
  if (customer && params.q && params.page === 1 && !params.cursor) {
    // Only queries that found something as typed are worth offering back.
    const text = recentSearchText(params.q);
    if (text && result.total > 0 && !result.relaxed) deps.recentSearches?.record(customer, text);
  }
  return { result, query_id };
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
      const { result, query_id } = await searchAnswer(deps, reply, params, shopperOf(req.query, deps.customers));
      return { query_id, ...result };
    },
  );
}
