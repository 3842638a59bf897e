// GET /products/{id}: one live product, everything a product page needs.
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../common/errors.ts';
import { cachedAnswer, type QueryDeps } from '../listing.ts';
import { errorResponse, productResponse } from '../schemas.ts';

export const PRODUCT_FIELDS = [
  'id',
  'title',
  'description',
  'brand',
  'categories',
  'category_leaf',
  'price',
  'list_price',
  'discount_pct',
  'currency',
  'rating',
  'rating_count',
  'in_stock',
  'attributes',
  'related',
  'popularity',
  'created_at',
  'updated_at',
];

export async function productRoutes(app: FastifyInstance, deps: QueryDeps) {
  app.get<{ Params: { id: string } }>(
    '/products/:id',
    {
      schema: {
        tags: ['products'],
        summary: 'One product',
        params: {
          type: 'object',
          properties: { id: { type: 'string', minLength: 1, maxLength: 256 } },
          required: ['id'],
        },
        response: { 200: productResponse, '4xx': errorResponse, '5xx': errorResponse },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      // A search through the alias (not GET by id) so its live filter hides deleted products.
      const product = await cachedAnswer(deps, reply, 'product', id, async () => {
        const res = await deps.search.es.search<Record<string, unknown>>(
          { index: deps.search.alias, size: 1, _source: PRODUCT_FIELDS, query: { ids: { values: [id] } } },
          { requestTimeout: deps.search.budgetMs },
        );
        const hit = res.hits.hits[0];
        return hit ? { ...hit._source, category: hit._source?.category_leaf } : {};
      });
      if (!('id' in product)) throw new NotFoundError(`no product "${id}"`);
      return product;
    },
  );
}
