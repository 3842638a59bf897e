// Builds the HTTP service from its dependencies; main.ts wires real connections, tests wire
// their own (real) ones.
import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../../common/logger.ts';
import { docsPlugin } from './plugins/docs.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { finiteNumbersPlugin } from './plugins/finite-numbers.ts';
import { httpMetricsPlugin } from './plugins/http-metrics.ts';
import type { Probe } from './readiness.ts';
import { rateLimitPlugin, type RateLimitOptions } from './plugins/rate-limit.ts';
import { webPages } from './plugins/web.ts';
import { categoryRoutes } from './routes/categories.ts';
import { adminAnalyticsRoutes } from './routes/admin-analytics.ts';
import { adminCustomerRoutes } from './routes/admin-customers.ts';
import { adminExperimentRoutes } from './routes/admin-experiments.ts';
import { adminRuleRoutes } from './routes/admin-rules.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { productRoutes } from './routes/products.ts';
import { recommendationRoutes } from './routes/recommendations.ts';
import { searchRoutes } from './routes/search.ts';
import { suggestRoutes } from './routes/suggest.ts';
import type { Services } from './wiring.ts';

export interface AppDeps {
  log: Logger;
  metrics: Registry;
  probes: Record<string, Probe>;
  readyRequires: readonly string[];
  readinessTimeoutMs: number;
  services: Services;
  /** Off when undefined or max is 0. */
  rateLimit?: RateLimitOptions;
  /** Origins whose pages may call the API cross-origin. */
  corsOrigins: readonly string[];
  /** Requests are refused with 503 while the event loop lags more than this; 0 turns it off. */
  maxEventLoopDelayMs: number;
}

/** How often load shedding samples the event loop's delay. */
export const LOAD_SAMPLE_MS = 200;

/** The answer while shedding load: the service's own JSON error shape. */
function shed(_req: FastifyRequest, reply: FastifyReply): void {
  void reply
    .status(503)
    .header('retry-after', '2')
    .send({ statusCode: 503, error: 'overloaded', message: 'the service is overloaded, retry shortly' });
}

// A caller's request id is kept only when it is short and plain, so it cannot forge log lines.
const SAFE_REQUEST_ID = /^[\w.:-]{1,64}$/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 256 * 1024,
    // A request already on a kept-alive connection while the service shuts down is answered, not
    // refused with a bare 503 (found by the fault suite's restart).
    return503OnClosing: false,
    // Longer than any valid parameter, so the route schema (not the router) names an overlong one.
    routerOptions: { maxParamLength: 2000 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false, discriminator: true } },
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  await app.register(errorsPlugin);
  await app.register(finiteNumbersPlugin);
  // Only the configured origins get CORS headers; any other origin's browser refuses the answer.
  if (deps.corsOrigins.length > 0)
    await app.register(cors, {
      origin: [...deps.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['content-type', 'x-admin-key', 'x-api-key', 'x-request-id'],
    });
  await app.register(docsPlugin);
  await app.register(httpMetricsPlugin, { registry: deps.metrics });
  if (deps.rateLimit && deps.rateLimit.max > 0) await app.register(rateLimitPlugin, deps.rateLimit);
  app.addHook('onClose', async () => {
    await Promise.all(Object.values(deps.probes).map((p) => p.close?.()));
  });
  await app.register(healthRoutes, {
    probes: deps.probes,
    required: deps.readyRequires,
    timeoutMs: deps.readinessTimeoutMs,
  });
  // Everything but health checks sheds load when the event loop falls behind: a quick 503 with
  // Retry-After instead of a slow answer for everyone; health checks keep answering.
  await app.register(async (api) => {
    // Sampled every LOAD_SAMPLE_MS, so a stall is noticed within a fraction of a second.
    if (deps.maxEventLoopDelayMs > 0)
      await api.register(underPressure, {
        maxEventLoopDelay: deps.maxEventLoopDelayMs,
        sampleInterval: LOAD_SAMPLE_MS,
        retryAfter: 2,
        pressureHandler: shed,
      });
    const sv = deps.services;
    await api.register(searchRoutes, {
      engine: sv.search,
      admin: sv.admin,
      impressions: sv.impressions,
      ...(sv.recentSearches ? { recentSearches: sv.recentSearches } : {}),
    });
    await api.register(categoryRoutes, { engine: sv.search, admin: sv.admin, impressions: sv.impressions });
    await api.register(productRoutes, { engine: sv.search });
    await api.register(suggestRoutes, { engine: sv.suggest, impressions: sv.impressions });
    await api.register(recommendationRoutes, sv.recommendations);
    if (sv.events) await api.register(eventRoutes, sv.events);
    await api.register(adminRuleRoutes, { admin: sv.admin, store: sv.ruleStore, engine: sv.search });
    await api.register(adminCustomerRoutes, {
      admin: sv.admin,
      ...(sv.recentSearches ? { recentSearches: sv.recentSearches } : {}),
    });
    await api.register(adminAnalyticsRoutes, {
      admin: sv.admin,
      engine: sv.analytics,
      maxRangeDays: sv.analyticsMaxRangeDays,
      now: sv.now,
    });
    await api.register(adminExperimentRoutes, {
      admin: sv.admin,
      store: sv.experiments,
      results: sv.experimentResults,
    });
    await api.register(webPages);
  });
  return app;
}
