// OpenAPI document generated from the route schemas, browsable at /docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const docsPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'shopsearch',
        description: 'Search, browse, autocomplete and recommendations for a shop catalog.',
        version: '0.1.0',
      },
      tags: [{ name: 'health', description: 'Liveness and readiness' }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
});
