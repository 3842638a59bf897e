// Builds the HTTP service from its dependencies; main.ts wires real connections, tests wire
// their own (real) ones.
import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { Redis } from '../../common/clients/redis.ts';
import type { Logger } from '../../common/logger.ts';
import { type Config, ConfigError } from '../../common/config.ts';
import { type KeySpace, keySpace } from '../../stores/keys.ts';
import { clientIdentity } from './client-identity.ts';
import { docsPlugin } from './plugins/docs.ts';
import { clientError, errorsPlugin, frameworkError, notFound } from './plugins/errors.ts';
import { authFailuresPlugin } from './plugins/auth-failures.ts';
import { fairSharePlugin } from './plugins/fair-share.ts';
import { finiteNumbersPlugin } from './plugins/finite-numbers.ts';
import { httpMetricsPlugin } from './plugins/http-metrics.ts';
import type { Probe } from './readiness.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { webPages } from './plugins/web.ts';
import { categoryRoutes } from './routes/categories.ts';
import { demoTokenRoutes, type DemoTokenDeps } from './routes/demo-token.ts';
import { algoliaRoutes } from './routes/algolia.ts';
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
  /** Rate limits, failed authentications and fair shares are counted here. */
  redis: Redis;
  keys: Pick<KeySpace, 'rateLimit' | 'authFailures'>;
  /** Requests per client per route per window (0: off), and failed authentications per IP per minute (0: off). */
  limits: { max: number; timeWindow: string; authFailures: number; concurrency: number; budgetMs: number };
  /** "name:key" pairs of known API keys: each is a client of its own. */
  apiKeys: string;
  /** Proxies whose X-Forwarded-For is believed (fastify's trustProxy); empty: none. */
  trustProxy: readonly string[];
  /** The demo's token route, when on (never in production). */
  demoTokens?: DemoTokenDeps;
  /** Origins whose pages may call the API cross-origin. */
  corsOrigins: readonly string[];
  /** Requests are refused with 503 while the event loop lags more than this; 0 turns it off. */
  maxEventLoopDelayMs: number;
}

/** The protections of AppDeps from configuration: limits, identities, the demo's token route. */
export function protectionOf(
  c: Config,
  redis: Redis,
): Pick<AppDeps, 'redis' | 'keys' | 'limits' | 'apiKeys' | 'trustProxy' | 'demoTokens'> {
  const secret = c.customerTokenSecrets[0];
  if (c.demoCustomerTokens && !secret)
    throw new ConfigError('SHOP_DEMO_CUSTOMER_TOKENS needs SHOP_CUSTOMER_TOKEN_SECRET');
  return {
    redis,
    keys: keySpace(c.redisPrefix),
    limits: {
      max: c.rateLimitMax,
      timeWindow: c.rateLimitWindow,
      authFailures: c.authFailureLimit,
      concurrency: c.clientConcurrency,
      budgetMs: c.clientBudgetMs,
    },
    apiKeys: c.apiKeys,
    trustProxy: c.trustProxy,
    ...(c.demoCustomerTokens && secret ? { demoTokens: { secret, ttlSeconds: c.customerTokenTtlSeconds } } : {}),
  };
}

/** How often load shedding samples the event loop's delay. */
export const LOAD_SAMPLE_MS = 200;

// A caller's request id is kept only when it is short and plain, so it cannot forge log lines.
const SAFE_REQUEST_ID = /^[\w.:-]{1,64}$/;

/** What logs say of a request: the route pattern, never the URL (ids, tokens, query values, keys). */
const loggedRequest = (req: FastifyRequest) => ({
  method: req.method,
  // An unknown path may itself carry a token: only its first segment is kept.
  url: req.routeOptions?.url ?? `unmatched /${req.url.split(/[/?]/)[1]?.slice(0, 40) ?? ''}`,
  remoteAddress: req.ip,
});

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const identity = clientIdentity(deps.apiKeys);
  const app = Fastify({
    // fastify reads serializers from the instance it is given; this one names only the route.
    loggerInstance: Object.assign(deps.log.child({}), { serializers: { req: loggedRequest } }) as FastifyBaseLogger,
    trustProxy: deps.trustProxy.length > 0 ? [...deps.trustProxy] : false,
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
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
  // Before any route is added, so every route (docs, pages, unknown paths) is limited.
  const l = deps.limits;
  if (l.authFailures > 0)
    await app.register(authFailuresPlugin, {
      redis: deps.redis,
      key: deps.keys.authFailures,
      max: l.authFailures,
      log: deps.log,
    });
  // Fair shares first: refusing a client over its share costs no Redis round trip.
  await app.register(fairSharePlugin, {
    identity,
    concurrency: l.concurrency,
    budgetMs: l.budgetMs,
    registry: deps.metrics,
  });
  if (l.max > 0)
    await app.register(rateLimitPlugin, {
      redis: deps.redis,
      max: l.max,
      timeWindow: l.timeWindow,
      nameSpace: deps.keys.rateLimit,
      identity,
    });
  app.setNotFoundHandler(l.max > 0 ? { preHandler: app.rateLimit() } : {}, notFound);
  await app.register(finiteNumbersPlugin);
  // Only the configured origins get CORS headers; any other origin's browser refuses the answer.
  if (deps.corsOrigins.length > 0)
    await app.register(cors, {
      origin: [...deps.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: [
        'content-type',
        'x-admin-key',
        'x-api-key',
        'x-request-id',
        // Algolia clients (InstantSearch pages pointed here, docs/instantsearch.md)
        'x-algolia-api-key',
        'x-algolia-application-id',
        'x-algolia-agent',
      ],
    });
  await app.register(docsPlugin);
  await app.register(httpMetricsPlugin, { registry: deps.metrics });
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
        // Its error (FST_UNDER_PRESSURE) stops the request before its route and is answered in the
        // JSON shape by the errors plugin. (A pressureHandler that sends and returns nothing, as
        // its types invite, lets the request go on to its route and answer twice.)
        retryAfter: 2,
      });
    const sv = deps.services;
    const searchDeps = {
      engine: sv.search,
      admin: sv.admin,
      impressions: sv.impressions,
      customers: sv.customers,
      ...(sv.recentSearches ? { recentSearches: sv.recentSearches } : {}),
    };
    const suggestDeps = { engine: sv.suggest, impressions: sv.impressions, customers: sv.customers };
    await api.register(searchRoutes, searchDeps);
    await api.register(categoryRoutes, {
      engine: sv.search,
      admin: sv.admin,
      impressions: sv.impressions,
      customers: sv.customers,
    });
    await api.register(productRoutes, { engine: sv.search });
    await api.register(suggestRoutes, suggestDeps);
    await api.register(recommendationRoutes, { ...sv.recommendations, customers: sv.customers });
    if (sv.events) await api.register(eventRoutes, sv.events);
    await api.register(algoliaRoutes, {
      search: searchDeps,
      suggest: suggestDeps,
      index: sv.algoliaIndex,
      ...(sv.events ? { events: sv.events } : {}),
    });
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
    if (deps.demoTokens) await api.register(demoTokenRoutes, deps.demoTokens);
  });
  return app;
}
