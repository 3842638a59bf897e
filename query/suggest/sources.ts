// Where suggestions come from: search logs (CSV files, or the service's own Kafka topic of
// searches) and, before any log exists, phrases of the catalog (brands, categories, frequent
// title phrases). A query is suggested only once enough distinct shoppers searched it.
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { scrollHits } from '../../common/clients/es-scroll.ts';
import { logTime, readCsvRows } from '../../common/csv-rows.ts';
import { words } from '../../common/words.ts';
import type { SuggestionEntry } from './suggest-index.ts';

/** The form a query is counted under: lowercase, accents folded, single spaces. */
export const normalizeSuggestion = (q: string): string => words(q).join(' ');

export interface LoggedSearch {
  query: string;
  user?: string;
  time?: number;
}

/** Reads a search log CSV with a header naming at least `query` (and optionally `user`, `query_time`). */
export async function* readSearchLog(file: string): AsyncGenerator<LoggedSearch> {
  for await (const row of readCsvRows(file, ['query'])) {
    if (!row.query) continue;
    const time = logTime(row.query_time);
    yield { query: row.query, ...(row.user ? { user: row.user } : {}), ...(Number.isFinite(time) ? { time } : {}) };
  }
}

export interface CountOptions {
  /** Only searches before this time (ms) count: evaluations must not learn from what they test. */
  before?: number;
  minUsers: number;
}

/** Distinct searchers per normalized query, with the most common original spelling shown. */
export async function countQueries(searches: AsyncIterable<LoggedSearch>, o: CountOptions): Promise<SuggestionEntry[]> {
  const stats = new Map<string, { users: Set<string>; anonymous: number; forms: Map<string, number> }>();
  for await (const s of searches) {
    if (o.before !== undefined && s.time !== undefined && s.time >= o.before) continue;
    const key = normalizeSuggestion(s.query);
    if (!key || key.length > 100) continue;
    let st = stats.get(key);
    if (!st) stats.set(key, (st = { users: new Set(), anonymous: 0, forms: new Map() }));
    if (s.user) st.users.add(s.user);
    else st.anonymous++;
    const form = s.query.trim().replace(/\s+/g, ' ').toLowerCase();
    st.forms.set(form, (st.forms.get(form) ?? 0) + 1);
  }
  const out: SuggestionEntry[] = [];
  for (const [key, st] of stats) {
    const users = st.users.size + st.anonymous;
    if (users < o.minUsers) continue;
    const shown = [...st.forms].sort((a, b) => b[1] - a[1])[0]?.[0] ?? key;
    out.push({ text: shown, weight: users, source: 'query' });
  }
  return out;
}

/**
 * Catalog phrases weigh less than 1, below any query that real shoppers searched, growing slowly
 * with the number of products: they fill in where the log is silent, never push real queries out.
 */
const catalogWeight = (products: number): number => Math.min(0.9, 0.2 + 0.1 * Math.log2(products));

/** The head of a product title: what comes before " - ", ":" or "(" (usually the product's name). */
export const titleHead = (title: string): string => title.split(/\s[-–]\s|:|\(/)[0] ?? title;

/** Brands, category names, title heads, and words and 2–3-word phrases shared by several products. */
export async function catalogPhrases(es: EsClient, productsAlias: string, minProducts = 2, maxDocs = 200000): Promise<SuggestionEntry[]> {
  const counts = new Map<string, number>();
  // Product names are suggestable even when only one product carries them.
  const heads = new Set<string>();
  const bump = (phrase: string, n = 1) => {
    const key = normalizeSuggestion(phrase);
    if (key.length >= 2 && key.length <= 60) counts.set(key, (counts.get(key) ?? 0) + n);
  };
  let seen = 0;
  for await (const h of scrollHits<{ title?: string; brand?: string; categories?: string[] }>(es, { index: productsAlias, _source: ['title', 'brand', 'categories'] })) {
    if (seen++ >= maxDocs) break;
    const s = h._source ?? {};
    if (s.brand) bump(s.brand);
    for (const c of s.categories ?? []) bump(c);
    const w = words(s.title ?? '').filter((x) => !/^\d+$/.test(x));
    const head = normalizeSuggestion(titleHead(s.title ?? ''));
    heads.add(head);
    const phrases = new Set<string>([head]);
    for (let i = 0; i < w.length; i++) for (let n = 1; n <= 3 && i + n <= w.length; n++) if (n > 1 || w[i]!.length >= 4) phrases.add(w.slice(i, i + n).join(' '));
    for (const p of phrases) bump(p);
  }
  return [...counts].filter(([text, n]) => n >= minProducts || heads.has(text)).map(([text, n]) => ({ text, weight: catalogWeight(n), source: 'catalog' as const }));
}

/** Joins the sources: a phrase that is both a query and a catalog phrase keeps the larger weight. */
export function mergeEntries(...lists: SuggestionEntry[][]): SuggestionEntry[] {
  const byKey = new Map<string, SuggestionEntry>();
  for (const list of lists)
    for (const e of list) {
      const key = normalizeSuggestion(e.text);
      const prev = byKey.get(key);
      if (!prev || e.weight > prev.weight) byKey.set(key, prev && prev.source === 'query' && e.source === 'catalog' ? { ...e, text: prev.text } : e);
    }
  return [...byKey.values()];
}
