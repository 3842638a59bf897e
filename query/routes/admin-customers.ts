// What the service keeps about a customer, deleted on the shop's request (an account closed, a
// privacy request). Needs an admin key; the key's name is logged as who asked.
import type { FastifyInstance } from 'fastify';
import type { QueryDeps } from '../listing.ts';
import { customerId, errorResponse } from '../schemas.ts';

export async function adminCustomerRoutes(app: FastifyInstance, deps: QueryDeps) {
  app.delete<{ Params: { id: string } }>(
    '/admin/customers/:id/recent-searches',
    {
      schema: {
        tags: ['admin'],
        summary: "Forget a customer's recent searches",
        security: [{ adminKey: [] }],
        params: { type: 'object', properties: { id: customerId }, required: ['id'] },
        response: { 204: { type: 'null' }, '4xx': errorResponse, '5xx': errorResponse },
      },
    },
    async (req, reply) => {
      const actor = deps.admin.require(req);
      await deps.recentSearches?.forget(req.params.id);
      req.log.info({ actor, customer: req.params.id }, 'recent searches forgotten');
      return reply.status(204).send();
    },
  );
}
