// A merchandiser's dry run: the results of a query or category page without and with a rule
// (stored or not), and what the rule changed for each product.
import type { Rule } from '../../ranking/rules/rule.ts';
import { composeRules } from '../../ranking/rules/compose.ts';
import { applicableRules } from '../../ranking/rules/match.ts';
import type { SearchParams } from './params.ts';
import { runSearch, type Hit, type SearchContext, type SearchResult } from './search-service.ts';

export type PreviewMark = 'pinned' | 'boosted' | 'buried' | 'hidden' | 'moved' | 'new';

export interface PreviewChange {
  id: string;
  title: string;
  from: number | null;
  to: number | null;
  marks: PreviewMark[];
}

export interface RulePreview {
  applies: boolean;
  without: SearchResult;
  with: SearchResult;
  changes: PreviewChange[];
}

/** How each product moved between the two lists, with what the edited rule did to it. */
function compare(without: Hit[], withRule: Hit[], rule: Rule): PreviewChange[] {
  const removes = rule.actions.some((a) => a.type === 'hide' || a.type === 'filter');
  const pinnedIds = new Set(rule.actions.flatMap((a) => (a.type === 'pin' ? [a.id] : [])));
  const before = new Map(without.map((h, i) => [h.id, i + 1]));
  const after = new Set(withRule.map((h) => h.id));
  const changes = withRule.map((h, i): PreviewChange => {
    const from = before.get(h.id) ?? null;
    const to = i + 1;
    const marks: PreviewMark[] = [];
    if (h.pinned && pinnedIds.has(h.id)) marks.push('pinned');
    if (from === null) marks.push('new');
    else if (from !== to) marks.push('moved');
    // The explanation says which of the rule's groups the product is in, whatever else moved it.
    const factor = h.explain?.rules.filter((r) => r.rule === rule.id).reduce((f, r) => f * r.factor, 1) ?? 1;
    if (factor > 1) marks.push('boosted');
    if (factor < 1) marks.push('buried');
    return { id: h.id, title: h.title, from, to, marks };
  });
  const gone = without
    .filter((h) => !after.has(h.id))
    .map(
      (h): PreviewChange => ({
        id: h.id,
        title: h.title,
        from: before.get(h.id)!,
        to: null,
        marks: [removes ? 'hidden' : 'moved'],
      }),
    );
  return [...changes, ...gone].filter((c) => c.marks.length > 0);
}

export interface PreviewInput {
  rule: Rule;
  /** Every stored rule; a stored rule of the same id is replaced by `rule`. */
  rules: readonly Rule[];
  params: SearchParams;
  /** A category page (the category fixed), not a search. */
  browse: boolean;
  channel?: string;
  now: number;
}

export async function previewRule(ctx: SearchContext, o: PreviewInput): Promise<RulePreview> {
  const p = o.params;
  const match = { q: p.q, category: p.category, channel: o.channel, now: o.now };
  const others = o.rules.filter((r) => r.id !== o.rule.id);
  const applicableWith = applicableRules([...others, o.rule], match);
  const [without, withRule] = await Promise.all([
    runSearch(ctx, p, o.browse, composeRules(applicableRules(others, match))),
    runSearch(ctx, p, o.browse, composeRules(applicableWith), true),
  ]);
  return {
    applies: applicableWith.some((r) => r.id === o.rule.id),
    without,
    with: withRule,
    changes: compare(without.hits, withRule.hits, o.rule),
  };
}
