// GET /admin/analytics/*: what shoppers search and how it goes, over a time range against the
// period before it. Admin key required; the engine bounds every query.
import type { FastifyInstance } from 'fastify';
import { analyticsCharts } from '../../../analytics/charts.ts';
import type { AnalyticsEngine } from '../../../analytics/engine.ts';
import { intervalOf, rangeOf } from '../../../analytics/engine.ts';
import type { AdminAuth } from '../admin-auth.ts';
import type { SchemaTypes } from '../schema-types.ts';
import { categoriesQuerystring, looseObject, queriesQuerystring, rangeQuerystring } from '../schemas/analytics.ts';
import { adminSecurity as security, errorResponses as errors } from '../schemas/common.ts';

export interface AdminAnalyticsDeps {
  admin: AdminAuth;
  engine: AnalyticsEngine;
  maxRangeDays: number;
  now: () => number;
}

export async function adminAnalyticsRoutes(fastify: FastifyInstance, deps: AdminAnalyticsDeps) {
  const app = fastify.withTypeProvider<SchemaTypes>();
  app.addHook('onRequest', deps.admin.hook);
  const range = (q: { from?: string; to?: string }) => rangeOf(q, deps.now(), deps.maxRangeDays);
  const schema = <const Q extends object>(summary: string, querystring: Q) => ({
    tags: ['admin'],
    summary,
    security,
    querystring,
    response: { 200: looseObject, ...errors },
  });

  app.get(
    '/admin/analytics/overview',
    {
      schema: schema(
        'Searches, click-through, conversion, revenue and autocomplete usage per hour or day, with the previous period',
        rangeQuerystring,
      ),
    },
    async (req) => {
      const r = range(req.query);
      return deps.engine.overview(r, intervalOf(req.query.interval, r));
    },
  );
  app.get(
    '/admin/analytics/queries',
    {
      schema: schema(
        'Top searches, searches with no results, or with results but no click, each with its outcomes',
        queriesQuerystring,
      ),
    },
    async (req) => deps.engine.queries(range(req.query), req.query.report ?? 'top', req.query.size ?? 20),
  );
  app.get(
    '/admin/analytics/positions',
    { schema: schema('Clicks by result position (1-20), with the previous period', categoriesQuerystring) },
    async (req) => deps.engine.positions(range(req.query)),
  );
  app.get(
    '/admin/analytics/categories',
    { schema: schema('Top category pages browsed, with the previous period', categoriesQuerystring) },
    async (req) => deps.engine.categories(range(req.query), req.query.size ?? 20),
  );
  app.get(
    '/admin/analytics/charts',
    {
      schema: schema(
        'The overview and the click-position curve as SVG charts (Vega-Lite), for the console',
        rangeQuerystring,
      ),
    },
    async (req) => {
      const r = range(req.query);
      const [overview, { positions }] = await Promise.all([
        deps.engine.overview(r, intervalOf(req.query.interval, r)),
        deps.engine.positions(r),
      ]);
      return { charts: await analyticsCharts(overview, positions) };
    },
  );
}
