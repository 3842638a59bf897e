// Admin API keys: named keys from configuration, compared in constant time, never logged. The name
// is the actor the audit log records.
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../../common/errors.ts';
import { namedKeys } from './named-keys.ts';

export interface AdminAuth {
  /** The actor named by the request's key; throws UnauthorizedError without a valid one. */
  require(req: FastifyRequest): string;
  /** The same check as an onRequest hook, for a scope of admin routes (before any body is read). */
  hook(req: FastifyRequest): Promise<void>;
}

/** `spec` is "name:key,name:key"; a malformed entry is a configuration error. */
export function adminAuth(spec: string): AdminAuth {
  const keys = namedKeys(spec, 'SHOP_ADMIN_KEYS');
  const auth: AdminAuth = {
    async hook(req) {
      auth.require(req);
    },
    require(req) {
      const header = req.headers['x-admin-key'];
      const given = typeof header === 'string' ? header : req.headers.authorization?.replace(/^Bearer\s+/i, '');
      if (!given) throw new UnauthorizedError();
      const actor = keys.nameOf(given);
      if (actor === undefined) throw new UnauthorizedError('the admin key is not valid');
      return actor;
    },
  };
  return auth;
}
