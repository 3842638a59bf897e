// GET /demo/customer-token?customer=: a signed token for any customer id, so the storefront demo can
// show personalization the way a shop would (its backend mints the token for whoever logged in).
// Registered only with SHOP_DEMO_CUSTOMER_TOKENS, never in production: it vouches for anyone.
import type { FastifyInstance } from 'fastify';
import { mintCustomerToken } from '../../../common/customer-token.ts';
import { customerId } from '../../search/params.ts';
import { errorResponses } from '../schemas/common.ts';

export interface DemoTokenDeps {
  secret: string;
  ttlSeconds: number;
}

export async function demoTokenRoutes(app: FastifyInstance, deps: DemoTokenDeps) {
  app.get<{ Querystring: { customer: string } }>(
    '/demo/customer-token',
    {
      schema: {
        tags: ['demo'],
        summary: 'Demo only: a signed customer token for any customer id',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['customer'],
          properties: { customer: customerId },
        },
        response: {
          200: {
            type: 'object',
            properties: { token: { type: 'string' }, expires_at: { type: 'string' } },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const now = Date.now();
      const token = mintCustomerToken(req.query.customer, deps.secret, deps.ttlSeconds, now);
      return { token, expires_at: new Date(now + deps.ttlSeconds * 1000).toISOString() };
    },
  );
}
