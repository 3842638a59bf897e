// What the service keeps about a customer, deleted on the shop's request (an account closed, a
// privacy request). Needs an admin key; the key's name is logged as who asked.
import type { SchemaTypes } from '../schema-types.ts';
import type { FastifyInstance } from 'fastify';
import type { RecentSearches } from '../../../stores/recent-searches.ts';
import type { AdminAuth } from '../admin-auth.ts';
import { customerParams } from '../schemas/admin.ts';
import { adminSecurity, errorResponses } from '../schemas/common.ts';

export async function adminCustomerRoutes(
  fastify: FastifyInstance,
  deps: { admin: AdminAuth; recentSearches?: RecentSearches },
) {
  const app = fastify.withTypeProvider<SchemaTypes>();
  app.addHook('onRequest', deps.admin.hook);
  app.delete(
    '/admin/customers/:id/recent-searches',
    {
      schema: {
        tags: ['admin'],
        summary: "Forget a customer's recent searches",
        security: adminSecurity,
        params: customerParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      await deps.recentSearches?.forget(req.params.id);
      req.log.info({ actor: deps.admin.require(req), customer: req.params.id }, 'recent searches forgotten');
      return reply.status(204).send();
    },
  );
}
