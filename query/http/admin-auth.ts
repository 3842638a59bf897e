// Admin API keys: named keys from configuration, compared in constant time (digests of equal
// length through timingSafeEqual, every key checked), never logged. The name is the actor the
// audit log records.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../../common/errors.ts';

export interface AdminAuth {
  /** The actor named by the request's key; throws UnauthorizedError without a valid one. */
  require(req: FastifyRequest): string;
  /** The same check as an onRequest hook, for a scope of admin routes (before any body is read). */
  hook(req: FastifyRequest): Promise<void>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `spec` is "name:key,name:key"; a malformed entry is a configuration error. */
export function adminAuth(spec: string): AdminAuth {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(':');
      if (i <= 0 || i === entry.length - 1) throw new Error('SHOP_ADMIN_KEYS entries must be name:key');
      return { name: entry.slice(0, i), key: digest(entry.slice(i + 1)) };
    });
  const auth: AdminAuth = {
    async hook(req) {
      auth.require(req);
    },
    require(req) {
      const header = req.headers['x-admin-key'];
      const given = typeof header === 'string' ? header : req.headers.authorization?.replace(/^Bearer\s+/i, '');
      if (!given) throw new UnauthorizedError();
      const d = digest(given);
      let actor: string | undefined;
      for (const k of keys) if (timingSafeEqual(d, k.key) && actor === undefined) actor = k.name;
      if (actor === undefined) throw new UnauthorizedError('the admin key is not valid');
      return actor;
    },
  };
  return auth;
}
