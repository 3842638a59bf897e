// Judgments from a click log, for measuring click learning honestly: learn from clicks before a
// date, judge with the clicks after it. The grading is the one the shared Best Buy judgments use:
// queries with at least `minClicks` clicks; a clicked product's grade is 3, 2 or 1 as its share of
// the query's clicks is at least 50%, at least 20%, or less.
import type { Click } from '../ranking/learn/click-log.ts';
import type { Qrels } from './judgments.ts';

export interface ClickJudgmentOptions {
  from?: number;
  to?: number;
  minClicks: number;
}

export function clickJudgments(
  clicks: Iterable<Click>,
  o: ClickJudgmentOptions,
): { queries: Map<string, string>; qrels: Qrels } {
  const byQuery = new Map<string, { total: number; products: Map<string, number>; forms: Map<string, number> }>();
  for (const c of clicks) {
    if ((o.from !== undefined && c.time < o.from) || (o.to !== undefined && c.time >= o.to)) continue;
    const key = c.query.replace(/\s+/g, ' ').trim().toLowerCase();
    let q = byQuery.get(key);
    if (!q) byQuery.set(key, (q = { total: 0, products: new Map(), forms: new Map() }));
    q.total++;
    q.products.set(c.product, (q.products.get(c.product) ?? 0) + 1);
    q.forms.set(c.query.trim(), (q.forms.get(c.query.trim()) ?? 0) + 1);
  }
  const kept = [...byQuery]
    .filter(([, q]) => q.total >= o.minClicks)
    .sort((a, b) => b[1].total - a[1].total || (a[0] < b[0] ? -1 : 1));
  const queries = new Map<string, string>();
  const qrels: Qrels = new Map();
  const width = String(kept.length).length;
  kept.forEach(([, q], i) => {
    const id = `clk-${String(i + 1).padStart(width, '0')}`;
    queries.set(id, [...q.forms].sort((a, b) => b[1] - a[1])[0]![0]);
    qrels.set(id, new Map([...q.products].map(([p, n]) => [p, n / q.total >= 0.5 ? 3 : n / q.total >= 0.2 ? 2 : 1])));
  });
  return { queries, qrels };
}
