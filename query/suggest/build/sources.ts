// Where suggestions come from: search logs (CSV files, or the service's own Kafka topic of
// searches) and, before any log exists, phrases of the catalog. A logged query is suggested once
// enough distinct shoppers searched it, or once every word of it is vouched for by the catalog or
// by enough shoppers: a lone shopper's query then cannot show anything theirs alone (a name, an
// order number), yet rare queries made of known words still complete.
import type { EsClient } from '../../../common/clients/elasticsearch.ts';
import { logTime, readCsvRows } from '../../../common/csv-rows.ts';
import { catalogText } from './catalog-phrases.ts';
import { normalizeSuggestion } from '../normalize.ts';
import type { SuggestionEntry } from '../../../stores/suggestions.ts';

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
  /** Words vouched for without any shopper: the catalog's vocabulary. */
  knownWords?: ReadonlySet<string>;
}

/** Distinct shoppers: named ones in a set; searches without a user id each count as one. */
class Shoppers {
  private readonly named = new Set<string>();
  private anonymous = 0;
  add(user: string | undefined): void {
    if (user) this.named.add(user);
    else this.anonymous++;
  }
  get size(): number {
    return this.named.size + this.anonymous;
  }
}

/** Distinct searchers per normalized query, with the most common original spelling shown. */
export async function countQueries(searches: AsyncIterable<LoggedSearch>, o: CountOptions): Promise<SuggestionEntry[]> {
  const stats = new Map<string, { shoppers: Shoppers; forms: Map<string, number> }>();
  const wordShoppers = new Map<string, Shoppers>();
  for await (const s of searches) {
    if (o.before !== undefined && s.time !== undefined && s.time >= o.before) continue;
    const key = normalizeSuggestion(s.query);
    if (!key || key.length > 100) continue;
    let st = stats.get(key);
    if (!st) stats.set(key, (st = { shoppers: new Shoppers(), forms: new Map() }));
    st.shoppers.add(s.user);
    for (const w of key.split(' ')) {
      let shoppers = wordShoppers.get(w);
      if (!shoppers) wordShoppers.set(w, (shoppers = new Shoppers()));
      shoppers.add(s.user);
    }
    const form = s.query.trim().replace(/\s+/g, ' ').toLowerCase();
    st.forms.set(form, (st.forms.get(form) ?? 0) + 1);
  }
  const known = (w: string) => o.knownWords?.has(w) || (wordShoppers.get(w)?.size ?? 0) >= o.minUsers;
  const out: SuggestionEntry[] = [];
  for (const [key, st] of stats) {
    if (st.shoppers.size < o.minUsers && !key.split(' ').every(known)) continue;
    const shown = [...st.forms].sort((a, b) => b[1] - a[1])[0]?.[0] ?? key;
    out.push({ text: shown, weight: st.shoppers.size, source: 'query' });
  }
  return out;
}

/** Joins the sources: a phrase that is both a query and a catalog phrase keeps the larger weight. */
function mergeEntries(...lists: SuggestionEntry[][]): SuggestionEntry[] {
  const byKey = new Map<string, SuggestionEntry>();
  for (const list of lists)
    for (const e of list) {
      const key = normalizeSuggestion(e.text);
      const prev = byKey.get(key);
      if (!prev || e.weight > prev.weight)
        byKey.set(key, prev && prev.source === 'query' && e.source === 'catalog' ? { ...e, text: prev.text } : e);
    }
  return [...byKey.values()];
}

export interface EntriesOptions {
  logs: AsyncIterable<LoggedSearch>[];
  minUsers: number;
  /** Only searches before this time (ms). */
  before?: number;
  /** The products whose phrases and vocabulary join in; none: the logs alone. */
  catalog?: { es: EsClient; alias: string };
}

/** Everything a rebuild of the suggestions index loads: counted logs and the catalog's phrases. */
export async function suggestionEntries(o: EntriesOptions): Promise<SuggestionEntry[]> {
  const catalog = o.catalog ? await catalogText(o.catalog.es, o.catalog.alias) : undefined;
  const lists: SuggestionEntry[][] = [];
  for (const log of o.logs)
    lists.push(
      await countQueries(log, {
        minUsers: o.minUsers,
        ...(o.before !== undefined ? { before: o.before } : {}),
        ...(catalog ? { knownWords: catalog.words } : {}),
      }),
    );
  return mergeEntries(...lists, ...(catalog ? [catalog.phrases] : []));
}
