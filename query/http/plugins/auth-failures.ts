// Failed authentications (a wrong admin key, a forged or expired customer token: any 401) are
// counted per IP in Redis, shared by every instance; an IP past the limit gets 429 on every request
// for the rest of the minute, so keys and tokens cannot be guessed at speed. Blocked IPs are also
// remembered in process (bounded), so a blocked client costs no Redis round trip.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from '../../../common/clients/redis.ts';
import { TooManyRequestsError } from '../../../common/errors.ts';
import type { Logger } from '../../../common/logger.ts';
import { memoryCache } from '../../../common/memory-cache.ts';

export interface AuthFailureOptions {
  redis: Redis;
  /** The Redis key counting an IP's failures. */
  key: (ip: string) => string;
  /** Failures per IP per minute. */
  max: number;
  log: Logger;
}

const WINDOW_S = 60;

export const authFailuresPlugin = fp(async (app: FastifyInstance, o: AuthFailureOptions) => {
  const blocked = memoryCache<{ until: number }>({ maxBytes: 4 * 2 ** 20, ttlMs: WINDOW_S * 1000, sizeOf: () => 64 });
  const exempt = (req: FastifyRequest) => req.routeOptions.config.rateLimit === false;

  app.addHook('onRequest', async (req) => {
    const b = exempt(req) ? undefined : blocked.get(req.ip);
    if (b)
      throw new TooManyRequestsError(
        'too many failed authentications from this address; retry later',
        Math.max(1, Math.ceil((b.until - Date.now()) / 1000)),
      );
  });
  // Counted before the 401 leaves (which also slows guessing by a round trip), so the next attempt
  // already sees the count.
  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply) => {
    if (reply.statusCode !== 401) return;
    const key = o.key(req.ip);
    try {
      const count = await o.redis.incr(key);
      if (count === 1) await o.redis.expire(key, WINDOW_S);
      if (count >= o.max) {
        const ms = Math.max(1, await o.redis.ttl(key)) * 1000;
        blocked.set(req.ip, { until: Date.now() + ms }, { ttl: ms });
      }
    } catch (err) {
      o.log.warn({ err: (err as Error).message }, 'counting a failed authentication failed');
    }
  });
});
