// GET /products/{id}: one live product, everything a product page needs.
import type { SchemaTypes } from '../schema-types.ts';
import type { FastifyInstance } from 'fastify';
import type { SearchEngine } from '../../search/engine.ts';
import { sendAnswer } from '../answer.ts';
import { productParams, productResponse } from '../schemas/catalog.ts';
import { errorResponses } from '../schemas/common.ts';

export async function productRoutes(fastify: FastifyInstance, deps: { engine: SearchEngine }) {
  const app = fastify.withTypeProvider<SchemaTypes>();
  app.get(
    '/products/:id',
    {
      schema: {
        tags: ['products'],
        summary: 'One product',
        params: productParams,
        response: { 200: productResponse, ...errorResponses },
      },
    },
    async (req, reply) => sendAnswer(reply, await deps.engine.product(req.params.id)),
  );
}
