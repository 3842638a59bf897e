// Rule effects as Elasticsearch clauses. Product groups become filters; boosts and buries multiply
// the relevance score of the products they match (so a bury can never go negative and a boost
// scales with how relevant the product already is).
import type { estypes } from '@elastic/elasticsearch';
import { attributeClause } from '../../query/search/filters.ts';
import type { RuleEffects } from './compose.ts';
import type { ProductGroup } from './rule.ts';

type Query = estypes.QueryDslQueryContainer;

export function groupQuery(g: ProductGroup): Query {
  const all: Query[] = [];
  if (g.ids) all.push({ ids: { values: g.ids } });
  if (g.brands) all.push({ terms: { 'brand.keyword': g.brands } });
  if (g.category) all.push({ term: { category_paths: g.category } });
  if (g.attribute) all.push(attributeClause(g.attribute.name, g.attribute.values));
  if (g.price_min !== undefined || g.price_max !== undefined)
    all.push({
      range: {
        price: {
          ...(g.price_min !== undefined ? { gte: g.price_min } : {}),
          ...(g.price_max !== undefined ? { lte: g.price_max } : {}),
        },
      },
    });
  return all.length === 1 ? all[0]! : { bool: { filter: all } };
}

/** Filters every result must pass and the hidden products none may be. */
export function ruleFilters(e: RuleEffects): { filter: Query[]; mustNot: Query[] } {
  return { filter: e.filters.map(groupQuery), mustNot: e.hide.map(groupQuery) };
}

/** The relevance query with each boost and bury as a multiplier, named for explain. */
export function weighted(relevance: Query, e: RuleEffects): Query {
  if (e.weights.length === 0) return relevance;
  return {
    function_score: {
      query: relevance,
      functions: e.weights.map((w) => ({
        filter: { bool: { filter: [groupQuery(w.group)], _name: `rule:${w.rule}` } },
        weight: w.factor,
      })),
      score_mode: 'multiply',
      boost_mode: 'multiply',
    },
  };
}
