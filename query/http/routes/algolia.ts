// The Algolia search and Insights protocol, the subset InstantSearch, autocomplete and
// search-insights use, over the same engines as /search, /suggest and /events: multi-queries,
// single-index queries (POST and GET), search for facet values, POST /1/events. Errors go out in
// Algolia's { message, status } shape. The translation lives in query/algolia; these are thin routes.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { BadRequestError, NotFoundError } from '../../../common/errors.ts';
import { shopperEvents, insightsBody } from '../../algolia/insights.ts';
import { type AlgoliaParams, algoliaParams, engineFacet, indexTarget, productQuery } from '../../algolia/request.ts';
import { facetHits, facetValues, searchResult, suggestionsResult } from '../../algolia/response.ts';
import { mapLimited } from '../../../common/limited.ts';
import { errorAnswer } from '../plugins/errors.ts';
import { chargeWork } from '../plugins/fair-share.ts';
import type { SchemaTypes } from '../schema-types.ts';
import { shopperOf } from '../shopper.ts';
import { acceptEvents, type EventRouteDeps } from './events.ts';
import { type SearchRouteDeps, searchAnswer } from './search.ts';
import { type SuggestRouteDeps, suggestAnswer, typedPrefix } from './suggest.ts';

/** Queries of one multi-query request run at once: an InstantSearch page sends one to a few. */
const BATCH_IN_FLIGHT = 4;

export interface AlgoliaRouteDeps {
  search: SearchRouteDeps;
  suggest: SuggestRouteDeps;
  /** The products' index name (SHOP_ALGOLIA_INDEX). */
  index: string;
  /** POST /1/events, once an event publisher is open. */
  events?: EventRouteDeps;
}

const params = { type: 'string', maxLength: 16000, description: 'URL-encoded search parameters' } as const;
const oneQuery = {
  type: 'object',
  maxProperties: 100,
  properties: { params },
} as const;
const queriesBody = {
  type: 'object',
  required: ['requests'],
  properties: {
    requests: {
      type: 'array',
      minItems: 1,
      maxItems: 32,
      items: {
        type: 'object',
        required: ['indexName'],
        maxProperties: 100,
        properties: {
          indexName: { type: 'string', minLength: 1, maxLength: 200 },
          params,
          type: { enum: ['default', 'facet'] },
          facet: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
    },
    strategy: { enum: ['none', 'stopIfEnoughMatches'] },
  },
} as const;
const indexParam = {
  type: 'object',
  required: ['index'],
  properties: { index: { type: 'string', maxLength: 200 } },
} as const;

export async function algoliaRoutes(fastify: FastifyInstance, deps: AlgoliaRouteDeps) {
  const app = fastify.withTypeProvider<SchemaTypes>();
  // Browser clients send their JSON as a form or plain text, which needs no CORS preflight.
  app.addContentTypeParser(
    ['application/x-www-form-urlencoded', 'text/plain'],
    { parseAs: 'string' },
    (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(Object.assign(new Error('the body is not JSON'), { statusCode: 400 }), undefined);
      }
    },
  );
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const body = errorAnswer(err, req, reply);
    return reply.status(body.statusCode).send({ message: body.message, status: body.statusCode });
  });

  const who = (p: AlgoliaParams) =>
    shopperOf(
      { ...(p.customer ? { customer: p.customer } : {}), ...(p.userToken ? { session: p.userToken } : {}) },
      deps.search.customers,
    );

  async function facetSearch(indexName: string, facet: string, p: AlgoliaParams, reply: FastifyReply) {
    const target = indexTarget(indexName, deps.index);
    if (target.kind !== 'products' || !engineFacet(facet) || facet === 'price' || facet === 'rating')
      throw new BadRequestError(`facet: ${facet.slice(0, 60)} cannot be searched for values`, 'facet');
    const max = p.maxFacetHits ?? 10;
    const q = productQuery(
      { ...p, hitsPerPage: 0, facets: [facet], maxValuesPerFacet: Math.max(max, 100) },
      target.sort,
    );
    const { result } = await searchAnswer(deps.search, reply, q.params, who(p), false);
    return {
      facetHits: facetHits(facetValues(result.facets, facet) ?? [], p.facetQuery ?? '', max, p),
      exhaustiveFacetsCount: true,
      processingTimeMS: result.took,
    };
  }

  async function query(fields: Record<string, unknown>, reply: FastifyReply) {
    const indexName = String(fields.indexName);
    const p = algoliaParams(fields);
    if (fields.type === 'facet') return facetSearch(indexName, String(fields.facet ?? ''), p, reply);
    const target = indexTarget(indexName, deps.index);
    if (target.kind === 'suggestions') {
      const shopper = who(p);
      const { answer, query_id } = await suggestAnswer(
        deps.suggest,
        reply,
        typedPrefix(p.query ?? ''),
        Math.min(Math.max(p.hitsPerPage ?? 8, 1), 20),
        {
          ...(shopper.customer ? { customer: shopper.customer } : {}),
          ...(shopper.session ? { session: shopper.session } : {}),
        },
      );
      return suggestionsResult(indexName, deps.index, p, answer, p.clickAnalytics ? query_id : undefined);
    }
    const q = productQuery(p, target.sort);
    // Facets-only queries (InstantSearch's disjunctive ones) and analytics=false show the shopper nothing to attribute.
    const track = p.clickAnalytics === true || (p.analytics !== false && !q.noHits);
    const { result, query_id } = await searchAnswer(deps.search, reply, q.params, who(p), track);
    return searchResult(indexName, p, result, {
      facets: q.facets,
      noHits: q.noHits,
      ...(p.clickAnalytics && query_id ? { queryID: query_id } : {}),
    });
  }

  const tags = ['algolia'];
  app.post(
    '/1/indexes/:index/queries',
    {
      schema: {
        tags,
        summary: 'Algolia multi-queries (InstantSearch): several searches in one request',
        params: indexParam,
        body: queriesBody,
      },
    },
    async (req, reply) => {
      if (req.params.index !== '*') throw new NotFoundError('multi-queries are sent to /1/indexes/*/queries');
      // A page's few queries run side by side; a batch of 32 does not take 32 of the cluster's
      // threads at once, and its client is charged every query's time.
      const results = await mapLimited(req.body.requests, BATCH_IN_FLIGHT, async (r) => {
        const started = performance.now();
        try {
          return await query(r as Record<string, unknown>, reply);
        } finally {
          chargeWork(req, performance.now() - started);
        }
      });
      return { results };
    },
  );
  app.post(
    '/1/indexes/:index/query',
    { schema: { tags, summary: 'Algolia single-index query', params: indexParam, body: oneQuery } },
    async (req, reply) => query({ ...(req.body as Record<string, unknown>), indexName: req.params.index }, reply),
  );
  app.get(
    '/1/indexes/:index',
    { schema: { tags, summary: 'Algolia single-index query, parameters in the URL', params: indexParam } },
    async (req, reply) => query({ ...(req.query as Record<string, unknown>), indexName: req.params.index }, reply),
  );
  app.post(
    '/1/indexes/:index/facets/:facet/query',
    {
      schema: {
        tags,
        summary: 'Algolia search for facet values',
        params: { ...indexParam, properties: { ...indexParam.properties, facet: { type: 'string', maxLength: 200 } } },
        body: oneQuery,
      },
    },
    async (req, reply) =>
      facetSearch(req.params.index, req.params.facet ?? '', algoliaParams(req.body as Record<string, unknown>), reply),
  );
  const events = deps.events;
  if (events)
    app.post(
      '/1/events',
      {
        schema: {
          tags,
          summary: 'Algolia Insights events (search-insights): clicks, conversions, views',
          body: insightsBody,
        },
      },
      async (req) => {
        const mapped = req.body.events.map((e, i) => shopperEvents(e, `events.${i}`));
        const all = mapped.flat();
        const { accepted } = all.length
          ? await acceptEvents(events, all, 'events', (events.now ?? Date.now)())
          : { accepted: 0 };
        return { status: 200, message: 'OK', accepted, ignored: mapped.filter((m) => m.length === 0).length };
      },
    );
}
