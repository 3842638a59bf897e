// Many applicable rules make one set of effects, the same whatever order they were stored in.
// Precedence (rules already sorted: priority high to low, then id):
// - redirect: the first redirect wins and nothing else applies;
// - rewrite: the first rewrite replaces the query; expansions from every rule add up;
// - filter: every filter applies (ANDed); hide: every hidden product is out, even when pinned;
// - boost/bury: factors multiply for a product several groups match;
// - pin: earlier rules claim positions first; a claimed position passes the pin to the next free
//   one; a product pinned twice keeps its first position.
import type { ProductGroup, Rule } from './rule.ts';

export interface Weighted {
  group: ProductGroup;
  factor: number;
  rule: string;
}

export interface RuleEffects {
  /** Every rule that applied, in precedence order. */
  fired: string[];
  redirect?: { url: string; rule: string };
  rewrite?: { query: string; rule: string };
  expansions: string[];
  filters: ProductGroup[];
  hide: ProductGroup[];
  weights: Weighted[];
  /** Positions are 1-based and distinct, ascending. */
  pins: { id: string; position: number; rule: string }[];
}

export const noEffects: RuleEffects = { fired: [], expansions: [], filters: [], hide: [], weights: [], pins: [] };

export function composeRules(rules: readonly Rule[]): RuleEffects {
  const redirect = rules.flatMap((r) =>
    r.actions.flatMap((a) => (a.type === 'redirect' ? [{ url: a.url, rule: r.id }] : [])),
  )[0];
  if (redirect) return { ...noEffects, fired: [redirect.rule], redirect };
  const e: RuleEffects = {
    fired: rules.map((r) => r.id),
    expansions: [],
    filters: [],
    hide: [],
    weights: [],
    pins: [],
  };
  const taken = new Set<number>();
  const pinned = new Set<string>();
  for (const r of rules) {
    for (const a of r.actions) {
      if (a.type === 'rewrite') e.rewrite ??= { query: a.query, rule: r.id };
      else if (a.type === 'expand') e.expansions.push(...a.synonyms.filter((s) => !e.expansions.includes(s)));
      else if (a.type === 'filter') e.filters.push(a.group);
      else if (a.type === 'hide') e.hide.push(a.group);
      else if (a.type === 'boost' || a.type === 'bury')
        e.weights.push({ group: a.group, factor: a.factor, rule: r.id });
      else if (a.type === 'pin' && !pinned.has(a.id)) {
        let position = a.position;
        while (taken.has(position)) position++;
        taken.add(position);
        pinned.add(a.id);
        e.pins.push({ id: a.id, position, rule: r.id });
      }
    }
  }
  e.pins.sort((a, b) => a.position - b.position);
  return e;
}
