// When a rule applies: every condition it has must hold for the request.
import { CATEGORY_SEPARATOR } from '../../catalog/product.ts';
import { stem } from '../../common/stem.ts';
import { words } from '../../common/words.ts';
import type { Rule, RuleConditions } from './rule.ts';
import { inWindow } from './time-window.ts';

/** What a rule can see of a request. */
export interface RuleContext {
  /** The shopper's query as typed (absent on a category page). */
  q?: string;
  /** The category page's path, or a search's category filter. */
  category?: string;
  channel?: string;
  now: number;
}

/** Case, accents, punctuation and word endings do not matter: "Red Shoes!" is "red shoe". */
export const normalizeQuery = (q: string): string[] => words(q).map(stem);

const containsRun = (hay: string[], needle: string[]): boolean => {
  for (let i = 0; i + needle.length <= hay.length; i++) if (needle.every((w, j) => hay[i + j] === w)) return true;
  return false;
};

/** A query's words, normalized once per request for every rule. */
export interface QueryTerms {
  words: string[];
  joined: string;
  set: ReadonlySet<string>;
}

const termsOf = (q: string): QueryTerms => {
  const list = normalizeQuery(q);
  return { words: list, joined: list.join(' '), set: new Set(list) };
};

// Every search, category page and keystroke checks every rule: a rule's values are normalized once
// (rules are replaced whole on reload, so the object identifies its values), the query once per request.
const normalizedValues = new WeakMap<object, QueryTerms[]>();

function queryMatches(c: NonNullable<RuleConditions['query']>, terms: QueryTerms | undefined): boolean {
  if (terms === undefined) return false;
  let values = normalizedValues.get(c);
  if (!values) normalizedValues.set(c, (values = c.values.map(termsOf)));
  return values.some((want) => {
    if (want.words.length === 0) return false;
    if (c.match === 'equals') return want.joined === terms.joined;
    if (c.match === 'phrase') return containsRun(terms.words, want.words);
    return want.words.every((w) => terms.set.has(w));
  });
}

const isUnder = (path: string, ancestor: string) => path === ancestor || path.startsWith(ancestor + CATEGORY_SEPARATOR);

export function ruleApplies(
  rule: Rule,
  ctx: RuleContext,
  terms = ctx.q === undefined ? undefined : termsOf(ctx.q),
): boolean {
  const c = rule.conditions;
  if (!rule.enabled) return false;
  if (c.query && !queryMatches(c.query, terms)) return false;
  if (c.category) {
    if (!ctx.category) return false;
    if (c.category.is !== undefined && ctx.category !== c.category.is) return false;
    if (c.category.under !== undefined && !isUnder(ctx.category, c.category.under)) return false;
  }
  if (c.window && !inWindow(ctx.now, c.window)) return false;
  if (c.channels && !(ctx.channel !== undefined && c.channels.includes(ctx.channel))) return false;
  return true;
}

/** The applicable rules in the documented order: priority high to low, then id. */
export function applicableRules(rules: Iterable<Rule>, ctx: RuleContext): Rule[] {
  const terms = ctx.q === undefined ? undefined : termsOf(ctx.q);
  return [...rules]
    .filter((r) => ruleApplies(r, ctx, terms))
    .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
