// Who a request counts as for rate limits and fair shares: the name of a known API key
// (SHOP_API_KEYS, given as x-api-key or as an Algolia client's x-algolia-api-key), else the
// client's IP. An unknown key is no identity at all, so inventing keys never buys a fresh budget. The IP is the connecting address, or the one X-Forwarded-For gives
// when the connection comes from a trusted proxy (SHOP_TRUST_PROXY, applied by fastify).
import type { FastifyRequest } from 'fastify';
import { namedKeys } from './named-keys.ts';

export type ClientIdentity = (req: FastifyRequest) => string;

/**
 * The key an Algolia client sends: the x-algolia-api-key header, or (browsers, to avoid a CORS
 * preflight) the same name in the query string, in either case.
 */
function algoliaKey(req: FastifyRequest): string | string[] | undefined {
  const header = req.headers['x-algolia-api-key'];
  if (header !== undefined) return header;
  const q = req.query as Record<string, unknown> | undefined;
  const given = q?.['x-algolia-api-key'] ?? q?.['X-Algolia-API-Key'];
  return typeof given === 'string' ? given : undefined;
}

export function clientIdentity(apiKeys: string): ClientIdentity {
  const keys = namedKeys(apiKeys, 'SHOP_API_KEYS');
  return (req) => {
    const given = req.headers['x-api-key'] ?? algoliaKey(req);
    const name = typeof given === 'string' && given.length <= 200 ? keys.nameOf(given) : undefined;
    return name === undefined ? `ip:${req.ip}` : `key:${name}`;
  };
}
