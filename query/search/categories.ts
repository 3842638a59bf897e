// The category tree with product counts, breadcrumbs, and whether a category exists: what category
// browsing needs besides the product list itself (which is a search with the category fixed).
import { CATEGORY_SEPARATOR, categoryPathString } from '../../catalog/product.ts';
import { categoryClause, FIELDS } from '../../mappings/clauses.ts';
import { MAX_CATEGORY_DEPTH } from '../../mappings/products.ts';
import type { SearchContext } from './search-service.ts';

export interface CategoryTreeNode {
  name: string;
  path: string;
  count: number;
  children?: CategoryTreeNode[];
}

export interface CategoryTree {
  total: number;
  categories: CategoryTreeNode[];
}

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

/** `depth` levels of the tree, from the top or under `under`; undefined when `under` has no products. */
export async function categoryTree(
  ctx: SearchContext,
  under: string | undefined,
  depth: number,
): Promise<CategoryTree | undefined> {
  const start = under ? under.split(CATEGORY_SEPARATOR).length : 0;
  const maxLevel = Math.min(MAX_CATEGORY_DEPTH - 1, start + depth - 1);
  let aggs: Record<string, unknown> | undefined;
  for (let level = maxLevel; level >= start; level--)
    aggs = { [`lvl${level}`]: { terms: { field: FIELDS.categoryLevel(level), size: 500 }, ...(aggs ? { aggs } : {}) } };
  const res = await ctx.es.search(
    {
      index: ctx.alias,
      size: 0,
      track_total_hits: true,
      ...(under ? { query: categoryClause(under) } : {}),
      aggs: aggs as never,
    },
    { requestTimeout: ctx.budgetMs },
  );
  const total = (res.hits.total as { value: number }).value;
  if (under && total === 0) return undefined;
  return { total, categories: toTree(res.aggregations?.[`lvl${start}`] as TermsAgg, start, maxLevel) };
}

export async function categoryExists(ctx: SearchContext, path: string): Promise<boolean> {
  const res = await ctx.es.count({ index: ctx.alias, query: categoryClause(path) }, { requestTimeout: ctx.budgetMs });
  return res.count > 0;
}
