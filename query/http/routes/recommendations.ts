// GET /recommendations/*: the four rails, served from the published model in Redis.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { BadRequestError } from '../../../common/errors.ts';
import { memoryCache, stringBytes } from '../../../common/memory-cache.ts';
import type { RailAnswer, RailFilters, Rails } from '../../../recommender/serve/rails.ts';
import { customerRef, sessionId } from '../../search/params.ts';
import type { Customers } from '../customers.ts';
import type { Impressions } from '../impressions.ts';
import { errorResponse } from '../schemas/common.ts';

export interface RecommendationDeps {
  rails: Rails;
  defaultSize: number;
  maxSize: number;
  /** Hide out-of-stock items unless the request says in_stock=false. */
  inStockByDefault: boolean;
  /** Bytes of serialized answers kept for the published version; 0 turns it off. */
  answerCacheBytes: number;
  impressions: Impressions;
}

/** A serialized answer and the ids it shows. */
interface Kept {
  body: string;
  ids: string[];
}

export interface RecommendationRouteDeps extends RecommendationDeps {
  customers: Customers;
}

const ID = '^[A-Za-z0-9_.:@-]{1,128}$';
const ID_RE = new RegExp(ID);
const MAX_LIST = 50;

/** A comma-separated list of ids; each must look like an id, so the error names the field. */
function idList(raw: string | undefined, field: string, required: boolean): string[] {
  const ids = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (required && ids.length === 0) throw new BadRequestError(`${field} must list at least one product id`, field);
  if (ids.length > MAX_LIST) throw new BadRequestError(`${field} lists more than ${MAX_LIST} ids`, field);
  const bad = ids.find((id) => !ID_RE.test(id));
  if (bad !== undefined) throw new BadRequestError(`${field} holds an invalid product id "${bad.slice(0, 40)}"`, field);
  return [...new Set(ids)];
}

interface RailQuery {
  size?: number;
  in_stock?: boolean;
  category?: string;
  price_min?: number;
  price_max?: number;
  exclude?: string;
}

export async function recommendationRoutes(app: FastifyInstance, deps: RecommendationRouteDeps) {
  const railQuery = {
    size: { type: 'integer', minimum: 1, maximum: deps.maxSize },
    in_stock: { type: 'boolean', description: `Only items in stock (default ${deps.inStockByDefault})` },
    category: { type: 'string', minLength: 1, maxLength: 600, description: 'Only items under this category path' },
    price_min: { type: 'number', minimum: 0 },
    price_max: { type: 'number', minimum: 0 },
    exclude: { type: 'string', maxLength: 8000, description: 'Comma-separated product ids never to show' },
    session: { ...sessionId, description: 'The browsing session, recorded with what the answer showed' },
  } as const;
  // Every field listed: the serializer compiles a known shape into straight-line code.
  const item = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      title: { type: 'string' },
      price: { type: 'number' },
      currency: { type: 'string' },
      brand: { type: 'string' },
      category: { type: 'string' },
      in_stock: { type: 'boolean' },
      rating: { type: 'number' },
      score: { type: 'number' },
      source: { type: 'string' },
      signals: {
        type: 'array',
        items: { type: 'string' },
        description:
          'Personalized items: the signals that put the item there, strongest first (bought-before, similar-customers, bought-with-recent, similar-to-history, trending)',
      },
    },
  } as const;
  const response = {
    200: {
      type: 'object',
      properties: {
        query_id: { type: 'string', description: 'Names this answer in events (click, add_to_cart, ...)' },
        source: { type: ['string', 'null'], description: 'Where the first item came from' },
        version: { type: ['string', 'null'], description: 'Published model version' },
        degraded: { type: 'boolean', description: 'Redis was unavailable; this is a fallback answer' },
        items: { type: 'array', items: item },
      },
    },
    '4xx': errorResponse,
    '5xx': errorResponse,
  };
  const filtersOf = (q: RailQuery): { filters: RailFilters; size: number } => {
    if (q.price_min !== undefined && q.price_max !== undefined && q.price_min > q.price_max)
      throw new BadRequestError('price_min is above price_max', 'price_min');
    const filters: RailFilters = {
      inStock: q.in_stock ?? deps.inStockByDefault,
      exclude: idList(q.exclude, 'exclude', false),
    };
    if (q.category !== undefined) filters.category = q.category.trim();
    if (q.price_min !== undefined) filters.minPrice = q.price_min;
    if (q.price_max !== undefined) filters.maxPrice = q.price_max;
    return { filters, size: q.size ?? deps.defaultSize };
  };
  // An answer depends only on the published version, the live lists' revision and the request, so
  // it is kept serialized per both: a repeated request is one lookup until the learner publishes. Degraded answers are never kept. The session is left
  // out of the key: it only names who is shown the answer.
  const answers = memoryCache<Kept>({
    maxBytes: deps.answerCacheBytes,
    sizeOf: (k) => stringBytes(k.body) + 40 * k.ids.length,
  });
  async function answer(
    reply: FastifyReply,
    rail: string,
    request: { query: RailQuery & { session?: string }; subject: unknown },
    compute: () => Promise<RailAnswer>,
  ): Promise<FastifyReply> {
    const generation = deps.answerCacheBytes > 0 ? await deps.rails.generation() : undefined;
    const { session, ...asked } = request.query;
    const key =
      generation === undefined ? undefined : `${generation.tag} ${rail} ${JSON.stringify([request.subject, asked])}`;
    let kept = key === undefined ? undefined : answers.get(key);
    reply.type('application/json').header('x-cache', kept === undefined ? 'origin' : 'memory');
    if (kept === undefined) {
      const computed = await compute();
      kept = { body: reply.serialize(computed) as string, ids: computed.items.map((x) => x.id) };
      if (key !== undefined && !computed.degraded && computed.version === generation?.version) answers.set(key, kept);
    }
    const queryId = deps.impressions.track({ kind: 'rail', rail, ids: kept.ids, ...(session ? { session } : {}) });
    // The serialized answer is an object: the query id goes in front of its first field.
    return reply.send(`{"query_id":"${queryId}",${kept.body.slice(1)}`);
  }
  const schema = (summary: string, extra: Record<string, unknown> = {}, params?: Record<string, unknown>) => ({
    tags: ['recommendations'],
    summary,
    ...(params ? { params: { type: 'object', properties: params, required: Object.keys(params) } } : {}),
    querystring: { type: 'object', additionalProperties: false, properties: { ...railQuery, ...extra } },
    response,
  });

  app.get<{ Params: { id: string }; Querystring: RailQuery }>(
    '/recommendations/similar/:id',
    { schema: schema('Items similar to a product', {}, { id: { type: 'string', pattern: ID } }) },
    async (req, reply) => {
      const { filters, size } = filtersOf(req.query);
      return answer(reply, 'similar', { query: req.query, subject: req.params.id }, () =>
        deps.rails.similar(req.params.id, filters, size),
      );
    },
  );

  app.get<{ Querystring: RailQuery & { items?: string } }>(
    '/recommendations/bought-together',
    {
      schema: schema('Items frequently bought with a cart', {
        items: { type: 'string', maxLength: 8000, description: 'Comma-separated product ids in the cart' },
      }),
    },
    async (req, reply) => {
      const { filters, size } = filtersOf(req.query);
      const items = idList(req.query.items, 'items', true);
      return answer(reply, 'bought-together', { query: req.query, subject: items }, () =>
        deps.rails.boughtTogether(items, filters, size),
      );
    },
  );

  app.get<{ Params: { userId: string }; Querystring: RailQuery & { recent?: string } }>(
    '/recommendations/for-user/:userId',
    {
      schema: schema(
        'Recommendations for a customer',
        {
          recent: {
            type: 'string',
            maxLength: 8000,
            description: 'Comma-separated ids the customer just viewed, most recent first',
          },
        },
        { userId: { ...customerRef, description: "The customer's signed token (a raw id where trusted)" } },
      ),
    },
    async (req, reply) => {
      const { filters, size } = filtersOf(req.query);
      const recent = idList(req.query.recent, 'recent', false);
      const customer = deps.customers.customerOf(req.params.userId, 'userId')!;
      return answer(reply, 'for-user', { query: req.query, subject: customer }, () =>
        deps.rails.forUser(customer, recent, filters, size),
      );
    },
  );

  app.get<{ Querystring: RailQuery }>(
    '/recommendations/trending',
    { schema: schema('Trending items, overall or in a category') },
    async (req, reply) => {
      const { filters, size } = filtersOf(req.query);
      return answer(reply, 'trending', { query: req.query, subject: null }, () =>
        deps.rails.trending(filters.category, filters, size),
      );
    },
  );
}
