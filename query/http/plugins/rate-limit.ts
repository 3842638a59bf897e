// Per client (known API key, else IP) and per route, counted in Redis so every instance shares the
// budget: 429 with Retry-After beyond it, on every route including unknown ones (health and
// metrics are exempt). If Redis fails, requests pass rather than fail.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from '../../../common/clients/redis.ts';
import type { ClientIdentity } from '../client-identity.ts';

export interface RateLimitOptions {
  redis: Redis;
  max: number;
  timeWindow: string;
  /** Where the counters live (stores/keys.ts). */
  nameSpace: string;
  identity: ClientIdentity;
}

export const rateLimitPlugin = fp(async (app: FastifyInstance, o: RateLimitOptions) => {
  await app.register(rateLimit, {
    global: true,
    max: o.max,
    timeWindow: o.timeWindow,
    redis: o.redis,
    nameSpace: o.nameSpace,
    skipOnError: true,
    keyGenerator: (req) => `${o.identity(req)}:${req.routeOptions.url ?? 'unmatched'}`,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `rate limit of ${ctx.max} requests per ${ctx.after} exceeded; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  });
});
