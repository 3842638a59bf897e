// Per client (API key, else IP) and per route, counted in Redis so every instance shares the
// budget: 429 with Retry-After beyond it. If Redis fails, requests pass rather than fail.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from '../../../common/clients/redis.ts';

export interface RateLimitOptions {
  redis: Redis;
  max: number;
  timeWindow: string;
  prefix: string;
}

export const rateLimitPlugin = fp(async (app: FastifyInstance, o: RateLimitOptions) => {
  await app.register(rateLimit, {
    global: true,
    max: o.max,
    timeWindow: o.timeWindow,
    redis: o.redis,
    nameSpace: `${o.prefix}ratelimit:`,
    skipOnError: true,
    keyGenerator: (req) => {
      const apiKey = req.headers['x-api-key'];
      const client = typeof apiKey === 'string' && apiKey.length <= 200 ? `key:${apiKey}` : `ip:${req.ip}`;
      return `${client}:${req.routeOptions.url ?? 'unmatched'}`;
    },
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `rate limit of ${ctx.max} requests per ${ctx.after} exceeded; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  });
});
