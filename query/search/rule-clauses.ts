// Rule effects as Elasticsearch clauses. Product groups become filters; boosts and buries multiply
// the relevance score of the products they match (so a bury can never go negative and a boost
// scales with how relevant the product already is).
import {
  allOf,
  attributeClause,
  brandsClause,
  categoryClause,
  idsClause,
  priceClause,
  type Query,
} from '../../mappings/clauses.ts';
import type { RuleEffects } from '../../ranking/rules/compose.ts';
import type { ProductGroup } from '../../ranking/rules/rule.ts';

export function groupQuery(g: ProductGroup): Query {
  const all: Query[] = [];
  if (g.ids) all.push(idsClause(g.ids));
  if (g.brands) all.push(brandsClause(g.brands));
  if (g.category) all.push(categoryClause(g.category));
  if (g.attribute) all.push(attributeClause(g.attribute.name, g.attribute.values));
  if (g.price_min !== undefined || g.price_max !== undefined) all.push(priceClause(g.price_min, g.price_max));
  return allOf(all);
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
