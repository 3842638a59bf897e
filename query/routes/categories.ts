// GET /categories: the category tree with product counts. GET /categories/{path}/products: a
// category page, with the same filters, facets, sorts and paging as search, and breadcrumbs.
import type { FastifyInstance } from 'fastify';
import { CATEGORY_SEPARATOR, categoryPathString } from '../../catalog/product.ts';
import { BadRequestError, NotFoundError } from '../../common/errors.ts';
import { MAX_CATEGORY_DEPTH } from '../../mappings/products.ts';
import { cachedAnswer, rulesFor, type QueryDeps } from '../listing.ts';
import { browseQuerystring, errorResponse, searchResponse } from '../schemas.ts';
import { normalizeQuery, toSearchParams, type SearchQuerystring } from '../search/params.ts';
import { personalizedAnswer } from '../search/personalized-answer.ts';
import { explained, runSearch } from '../search/search-service.ts';
import { categoryClause, FIELDS } from '../../mappings/clauses.ts';

export interface CategoryTreeNode {
  name: string;
  path: string;
  count: number;
  children?: CategoryTreeNode[];
}

const treeNode: Record<string, unknown> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    path: { type: 'string' },
    count: { type: 'integer' },
    children: { type: 'array', items: { $ref: 'categoryNode#' } },
  },
};

type TermsAgg = { buckets: ({ key: string; doc_count: number } & Record<string, unknown>)[] };

function toTree(agg: TermsAgg | undefined, level: number, maxLevel: number): CategoryTreeNode[] {
  return (agg?.buckets ?? []).map((b) => {
    const node: CategoryTreeNode = { name: b.key.split(CATEGORY_SEPARATOR).at(-1)!, path: b.key, count: b.doc_count };
    if (level < maxLevel) {
      const children = toTree(b[`lvl${level + 1}`] as TermsAgg | undefined, level + 1, maxLevel);
      if (children.length > 0) node.children = children;
    }
    return node;
  });
}

export const breadcrumbs = (path: string) => {
  const levels = path.split(CATEGORY_SEPARATOR);
  return levels.map((name, i) => ({ name, path: categoryPathString(levels.slice(0, i + 1)) }));
};

export async function categoryRoutes(app: FastifyInstance, deps: QueryDeps) {
  app.addSchema({ $id: 'categoryNode', ...treeNode });

  app.get<{ Querystring: { depth?: number; under?: string } }>(
    '/categories',
    {
      schema: {
        tags: ['categories'],
        summary: 'The category tree with product counts',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            depth: { type: 'integer', minimum: 1, maximum: MAX_CATEGORY_DEPTH },
            under: { type: 'string', maxLength: 600, description: 'Only the subtree under this path' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { total: { type: 'integer' }, categories: { type: 'array', items: { $ref: 'categoryNode#' } } },
          },
          '4xx': errorResponse,
          '5xx': errorResponse,
        },
      },
    },
    async (req, reply) => {
      const under = normalizeQuery(req.query.under);
      const start = under ? under.split(CATEGORY_SEPARATOR).length : 0;
      const maxLevel = Math.min(MAX_CATEGORY_DEPTH - 1, start + (req.query.depth ?? 2) - 1);
      return cachedAnswer(deps, reply, 'categories', { under, maxLevel }, async () => {
        let aggs: Record<string, unknown> | undefined;
        for (let level = maxLevel; level >= start; level--)
          aggs = {
            [`lvl${level}`]: { terms: { field: FIELDS.categoryLevel(level), size: 500 }, ...(aggs ? { aggs } : {}) },
          };
        const res = await deps.search.es.search(
          {
            index: deps.search.alias,
            size: 0,
            track_total_hits: true,
            ...(under ? { query: categoryClause(under) } : {}),
            aggs: aggs as never,
          },
          { requestTimeout: deps.search.budgetMs },
        );
        const total = (res.hits.total as { value: number }).value;
        if (under && total === 0) throw new NotFoundError(`no category "${under}"`);
        return { total, categories: toTree(res.aggregations?.[`lvl${start}`] as TermsAgg, start, maxLevel) };
      });
    },
  );

  app.get<{ Params: { path: string }; Querystring: Omit<SearchQuerystring, 'category'> }>(
    '/categories/:path/products',
    {
      schema: {
        tags: ['categories'],
        summary: 'A category page',
        description:
          'The path is the category path with levels joined by " > ", URL-encoded, e.g. /categories/Home%20%3E%20Kitchen/products.',
        params: {
          type: 'object',
          properties: { path: { type: 'string', minLength: 1, maxLength: 600 } },
          required: ['path'],
        },
        querystring: browseQuerystring,
        response: { 200: searchResponse, '4xx': errorResponse, '5xx': errorResponse },
      },
    },
    async (req, reply) => {
      const path = normalizeQuery(req.params.path);
      if (!path) throw new BadRequestError('path names no category', 'path');
      const params = toSearchParams(req.query, path);
      const rules = await rulesFor(deps, { q: params.q, category: path, channel: params.channel });
      if (req.query.explain) {
        deps.admin.require(req);
        return { ...(await explained(deps.search, params, true, rules.effects)), breadcrumbs: breadcrumbs(path) };
      }
      const page = await cachedAnswer(deps, reply, 'browse', { ...params, rules: rules.key }, async () => {
        const result = await runSearch(deps.search, params, true, rules.effects);
        if (result.total === 0) {
          const exists = await deps.search.es.count({
            index: deps.search.alias,
            query: { term: { category_paths: path } },
          });
          if (exists.count === 0) throw new NotFoundError(`no category "${path}"`);
        }
        return { ...result, breadcrumbs: breadcrumbs(path) };
      });
      return personalizedAnswer(deps, page, params, req.query);
    },
  );
}
