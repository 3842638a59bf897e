// OpenAPI document generated from the route schemas, browsable at /docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const docsPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      // 3.1: route schemas are JSON Schema (numeric exclusiveMinimum, type lists with "null").
      openapi: '3.1.0',
      info: {
        title: 'shopsearch',
        description: 'Search, browse, autocomplete and recommendations for a shop catalog.',
        version: '0.1.0',
      },
      tags: [{ name: 'health', description: 'Liveness and readiness' }],
      // Every scheme a route names (schemas/common.ts) must be declared, or the document breaks.
      components: {
        securitySchemes: {
          adminKey: {
            type: 'apiKey',
            in: 'header',
            name: 'x-admin-key',
            description: 'An admin key (SHOP_ADMIN_KEYS)',
          },
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'x-api-key',
            description: 'Optional: a known API key (SHOP_API_KEYS) is counted as its own client by rate limits',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
});
