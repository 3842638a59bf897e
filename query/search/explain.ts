// Why a product scored what it did, read from Elasticsearch's explanation of our own query shape
// (text-query.ts, rule-clauses.ts): the text match, each business signal and phrase
// bonus added to it, and the rule multipliers applied on top.
import type { estypes } from '@elastic/elasticsearch';
import type { RuleEffects } from '../../ranking/rules/compose.ts';

export interface ScoreExplanation {
  score: number;
  /** The text match (or 1 on a category page, where every product matches). */
  text: number;
  /** Added to the text score: phrase and exact-title bonuses, popularity, rating, stock, learned clicks and category intent. */
  signals: Record<string, number>;
  /** Boost and bury rules that matched this product, and the factor each multiplied by. */
  rules: { rule: string; factor: number }[];
}

type Explanation = estypes.ExplainExplanationDetail;

function kindOf(description: string): string {
  if (description.includes('_id:')) return 'clicks';
  if (description.includes('category_paths:')) return 'intent';
  if (description.includes('signals.popularity')) return 'popularity';
  if (description.includes('signals.rating')) return 'rating';
  if (description.includes('in_stock')) return 'in_stock';
  if (description.includes('title.plain')) return 'exact_title';
  if (description.includes('title_head:')) return 'title_head';
  if (description.startsWith('weight(title:')) return 'phrase';
  return 'text';
}

function add(e: Explanation, out: ScoreExplanation): void {
  if (e.description.startsWith('function score, product of')) {
    add(e.details![0]!, out);
    return;
  }
  // Nested bools are sums of their matched clauses; a filter clause adds 0.
  if (e.description === 'sum of:') {
    for (const d of e.details ?? []) if (d.value !== 0) add(d, out);
    return;
  }
  const kind = kindOf(e.description);
  if (kind === 'text') out.text += e.value;
  else out.signals[kind] = (out.signals[kind] ?? 0) + e.value;
}

/** `matched` are the hit's matched_queries (rule filters are named `rule:<id>`). */
export function explainScore(e: Explanation, matched: readonly string[], effects: RuleEffects): ScoreExplanation {
  const out: ScoreExplanation = { score: e.value, text: 0, signals: {}, rules: [] };
  add(e, out);
  for (const w of effects.weights)
    if (matched.includes(`rule:${w.rule}`)) out.rules.push({ rule: w.rule, factor: w.factor });
  return out;
}
