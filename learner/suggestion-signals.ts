// Suggestion popularity learned from what shoppers search, as they search: per normalized query,
// how many shoppers searched it (each at most once a day), how much of that is recent, how often
// it found nothing or led to no click, and how often shoppers chose it from the suggestions. A
// query becomes suggestable under the same privacy rule as the offline builder: enough distinct
// shoppers, or every word vouched for by the catalog or by enough shoppers.
import { halfLifeDays, logAdd, logAnchored, logValueAt } from '../ranking/learn/decay.ts';
import { normalizeSuggestion } from '../query/suggest/normalize.ts';
import { Windowed } from './windowed.ts';

export interface SuggestionWeights {
  /** Recent shopper-days count this many times more (half-life `trendDays`). */
  trend: number;
  trendDays: number;
  /** A choice from the suggestions counts as this many searches. */
  chosen: number;
  /** A query that always finds nothing loses this share of its weight (in proportion, one that sometimes does). */
  noResult: number;
  /**
   * Searches at least this many, none clicked: the query sinks to this share of its weight (only once
   * the shop reports clicks at all: where none are sent, no click says nothing).
   */
  unclickedAfter: number;
  unclicked: number;
}

export const defaultSuggestionWeights: SuggestionWeights = {
  trend: 1,
  trendDays: 7,
  chosen: 1,
  noResult: 0.5,
  unclickedAfter: 10,
  unclicked: 0.5,
};

interface QueryStat {
  /** Display forms and how often each was typed (the three most typed). */
  forms: [string, number][];
  /** The first shoppers (up to the privacy threshold). */
  shoppers: string[];
  /** Searches, all time, and shopper-days (a shopper counted once a day). */
  searches: number;
  days: number;
  /** Shopper-days, decayed: log2 of the anchored sum (none yet: undefined). */
  recent?: number;
  noResult: number;
  clicked: number;
  chosen: number;
}

export interface SuggestionSignalsData {
  queries: [string, QueryStat][];
  words: [string, string[]][];
  seen: ReturnType<Windowed<true>['toJSON']>;
  /** Whether any search led to a click yet. */
  clicks?: boolean;
}

export interface SuggestionLimits {
  minUsers: number;
  maxQueries: number;
  /** (query, shopper) pairs remembered for a day, to count a shopper once a day. */
  maxSeen: number;
}

export interface LearnedSuggestion {
  text: string;
  weight: number;
}

export class SuggestionSignals {
  private readonly queries: Map<string, QueryStat>;
  private readonly words: Map<string, string[]>;
  private readonly seen: Windowed<true>;
  private readonly changed = new Set<string>();
  private clicks: boolean;

  constructor(
    private readonly limits: SuggestionLimits,
    d?: SuggestionSignalsData,
  ) {
    this.queries = new Map(d?.queries);
    this.words = new Map(d?.words);
    this.seen = new Windowed(86_400_000, limits.maxSeen, d?.seen);
    this.clicks = d?.clicks ?? false;
  }

  private stat(key: string): QueryStat {
    let s = this.queries.get(key);
    if (!s)
      this.queries.set(
        key,
        (s = { forms: [], shoppers: [], searches: 0, days: 0, noResult: 0, clicked: 0, chosen: 0 }),
      );
    this.changed.add(key);
    return s;
  }

  /** A search as typed, by a shopper (customer, else session), with how many products it found. */
  searched(query: string, shopper: string, total: number, at: number, w: SuggestionWeights): void {
    const key = normalizeSuggestion(query);
    if (!key || key.length > 100) return;
    const s = this.stat(key);
    const form = query.trim().replace(/\s+/g, ' ').toLowerCase();
    const f = s.forms.find(([x]) => x === form);
    if (f) f[1]++;
    else s.forms.push([form, 1]);
    s.forms.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).splice(3);
    s.searches++;
    if (total === 0) s.noResult++;
    const pair = `${key}\u0000${shopper}`;
    this.seen.expire(at);
    if (!this.seen.has(pair)) {
      this.seen.set(pair, true, at);
      s.days++;
      s.recent = logAdd(s.recent, logAnchored(1, at, halfLifeDays(w.trendDays)));
    }
    if (s.shoppers.length < this.limits.minUsers && !s.shoppers.includes(shopper)) s.shoppers.push(shopper);
    for (const word of new Set(key.split(' '))) {
      const who = this.words.get(word) ?? [];
      if (who.length < this.limits.minUsers && !who.includes(shopper)) this.words.set(word, [...who, shopper]);
    }
    // Words no one else vouched for go first when there are too many (junk a bot typed).
    if (this.words.size > 4 * this.limits.maxQueries)
      for (const [word, who] of this.words) {
        if (this.words.size <= 3 * this.limits.maxQueries) break;
        if (who.length < this.limits.minUsers) this.words.delete(word);
      }
  }

  /** A search that led to a click. */
  clicked(query: string): void {
    const key = normalizeSuggestion(query);
    const s = key ? this.queries.get(key) : undefined;
    if (!s) return;
    this.clicks = true;
    s.clicked++;
    this.changed.add(key);
  }

  /** A suggestion chosen from the list. */
  chosen(text: string): void {
    const key = normalizeSuggestion(text);
    const s = key ? this.queries.get(key) : undefined;
    if (!s) return;
    s.chosen++;
    this.changed.add(key);
  }

  /** Whether every word is known to the catalog or searched by enough shoppers. */
  private vouched(key: string, catalogWords: ReadonlySet<string>): boolean {
    if ((this.queries.get(key)?.shoppers.length ?? 0) >= this.limits.minUsers) return true;
    return key.split(' ').every((w) => catalogWords.has(w) || (this.words.get(w)?.length ?? 0) >= this.limits.minUsers);
  }

  private weight(s: QueryStat, at: number, w: SuggestionWeights): number {
    const recent = s.recent === undefined ? 0 : logValueAt(s.recent, at, halfLifeDays(w.trendDays));
    const searches = s.days + w.trend * recent + w.chosen * s.chosen;
    const found = s.searches > 0 ? 1 - (w.noResult * s.noResult) / s.searches : 1;
    const unclicked = this.clicks && s.days >= w.unclickedAfter && s.clicked === 0 ? w.unclicked : 1;
    return searches * found * unclicked;
  }

  /** The suggestable queries changed since the last call (or all), with their weights at `at`. */
  take(at: number, catalogWords: ReadonlySet<string>, w: SuggestionWeights, all = false): LearnedSuggestion[] {
    this.prune(at, w);
    const keys = all ? [...this.queries.keys()] : [...this.changed];
    this.changed.clear();
    return keys.flatMap((key) => {
      const s = this.queries.get(key);
      if (!s || !this.vouched(key, catalogWords)) return [];
      return [{ text: s.forms[0]?.[0] ?? key, weight: Math.round(this.weight(s, at, w) * 1000) / 1000 }];
    });
  }

  private prune(at: number, w: SuggestionWeights): void {
    if (this.queries.size <= this.limits.maxQueries) return;
    const ranked = [...this.queries].sort(
      (a, b) => this.weight(a[1], at, w) - this.weight(b[1], at, w) || (a[0] < b[0] ? -1 : 1),
    );
    for (const [key] of ranked.slice(0, this.queries.size - this.limits.maxQueries)) this.queries.delete(key);
  }

  get size(): number {
    return this.queries.size;
  }

  toJSON(): SuggestionSignalsData {
    return { queries: [...this.queries], words: [...this.words], seen: this.seen.toJSON(), clicks: this.clicks };
  }
}
