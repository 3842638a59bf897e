// GET /categories: the category tree with product counts. GET /categories/{path}/products: a
// category page, with the same filters, facets, sorts and paging as search, and breadcrumbs.
import type { SchemaTypes } from '../schema-types.ts';
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../../../common/errors.ts';
import type { SearchEngine } from '../../search/engine.ts';
import { browseQuerystring, normalizeQuery, toSearchParams } from '../../search/params.ts';
import type { AdminAuth } from '../admin-auth.ts';
import type { Customers } from '../customers.ts';
import { sendAnswer } from '../answer.ts';
import { type Impressions, listingImpression } from '../impressions.ts';
import { categoriesQuerystring, categoriesResponse, categoryNode, categoryPathParams } from '../schemas/catalog.ts';
import { errorResponses } from '../schemas/common.ts';
import { searchResponse } from '../schemas/search.ts';
import { shopperOf } from '../shopper.ts';

export interface CategoryRouteDeps {
  engine: SearchEngine;
  admin: AdminAuth;
  impressions: Impressions;
  customers: Customers;
}

export async function categoryRoutes(fastify: FastifyInstance, deps: CategoryRouteDeps) {
  const app = fastify.withTypeProvider<SchemaTypes>();
  app.addSchema(categoryNode);

  app.get(
    '/categories',
    {
      schema: {
        tags: ['categories'],
        summary: 'The category tree with product counts',
        querystring: categoriesQuerystring,
        response: { 200: categoriesResponse, ...errorResponses },
      },
    },
    async (req, reply) =>
      sendAnswer(reply, await deps.engine.categoryTree(normalizeQuery(req.query.under), req.query.depth ?? 2)),
  );

  app.get(
    '/categories/:path/products',
    {
      schema: {
        tags: ['categories'],
        summary: 'A category page',
        description:
          'The path is the category path with levels joined by " > ", URL-encoded, e.g. /categories/Home%20%3E%20Kitchen/products.',
        params: categoryPathParams,
        querystring: browseQuerystring,
        response: { 200: searchResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const path = normalizeQuery(req.params.path);
      if (!path) throw new BadRequestError('path names no category', 'path');
      const params = toSearchParams(req.query, path);
      if (req.query.explain) {
        deps.admin.require(req);
        return deps.engine.explain(params, path);
      }
      const shopper = shopperOf(req.query, deps.customers);
      const result = sendAnswer(reply, await deps.engine.list(params, shopper, path));
      const who = { session: req.query.session, customer: shopper.customer };
      return { query_id: deps.impressions.track(listingImpression('browse', params, result, who)), ...result };
    },
  );
}
