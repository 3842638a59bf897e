// The analytics the admin API serves, as aggregations over the daily analytics indices: totals per
// hour or day, top queries, queries without results or without clicks, the click-position curve,
// autocomplete usage and top categories, each over a time range and against the period before it.
// Every request is bounded: the range (SHOP_ANALYTICS_MAX_RANGE_DAYS, hourly buckets at most 14
// days), the number of buckets and of rows. Knows nothing of HTTP.
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { BadRequestError } from '../common/errors.ts';
import type { AnalyticsIndices } from './indices.ts';

export interface TimeRange {
  from: number;
  to: number;
}

export type Interval = 'hour' | 'day';

const DAY = 86_400_000;
const MAX_HOURLY_DAYS = 14;

/** The range a request names (default: the 7 days before now), checked against the limits. */
export function rangeOf(q: { from?: string; to?: string }, now: number, maxDays: number): TimeRange {
  const parse = (v: string | undefined, field: string, fallback: number) => {
    if (v === undefined) return fallback;
    const t = Date.parse(v);
    if (!Number.isFinite(t)) throw new BadRequestError(`${field} is not a date-time`, field);
    return t;
  };
  const to = parse(q.to, 'to', now);
  const from = parse(q.from, 'from', to - 7 * DAY);
  if (from >= to) throw new BadRequestError('from must be before to', 'from');
  if (to - from > maxDays * DAY) throw new BadRequestError(`the range may cover at most ${maxDays} days`, 'from');
  return { from, to };
}

export function intervalOf(given: Interval | undefined, r: TimeRange): Interval {
  const interval = given ?? (r.to - r.from <= 2 * DAY ? 'hour' : 'day');
  if (interval === 'hour' && r.to - r.from > MAX_HOURLY_DAYS * DAY)
    throw new BadRequestError(`hourly buckets cover at most ${MAX_HOURLY_DAYS} days`, 'interval');
  return interval;
}

/** The period of the same length just before. */
export const previousOf = (r: TimeRange): TimeRange => ({ from: r.from - (r.to - r.from), to: r.from });

const inRange = (r: TimeRange) => ({
  range: { ts: { gte: new Date(r.from).toISOString(), lt: new Date(r.to).toISOString() } },
});

/** A search counts once, on its first page (later pages and cursor pages are the same search). */
const firstPages = [{ term: { kind: 'search' } }, { term: { page: 1 } }];

export interface Totals {
  searches: number;
  sessions: number;
  zero_results: number;
  clicked: number;
  ctr: number;
  carts: number;
  purchases: number;
  conversion: number;
  revenue: number;
  revenue_per_search: number;
  /** Autocomplete: suggestions chosen, their share of searches, keystrokes saved in all and per choice. */
  suggestions_chosen: number;
  from_suggestion_share: number;
  keystrokes_saved: number;
  keystrokes_saved_per_choice: number;
  browses: number;
}

export interface Overview {
  from: string;
  to: string;
  interval: Interval;
  totals: Totals;
  previous: Totals;
  buckets: ({ start: string } & Pick<
    Totals,
    'searches' | 'zero_results' | 'clicked' | 'ctr' | 'purchases' | 'revenue'
  >)[];
}

export type QueryReport = 'top' | 'zero' | 'no_click';

export interface QueryRow {
  query: string;
  searches: number;
  previous: number;
  zero_results: number;
  clicked: number;
  ctr: number;
  purchases: number;
  revenue: number;
}

export interface AnalyticsEngine {
  overview(r: TimeRange, interval: Interval): Promise<Overview>;
  queries(r: TimeRange, report: QueryReport, size: number): Promise<{ report: QueryReport; rows: QueryRow[] }>;
  positions(r: TimeRange): Promise<{ positions: { position: number; clicks: number; previous: number }[] }>;
  categories(r: TimeRange, size: number): Promise<{ rows: { category: string; views: number; previous: number }[] }>;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
type Aggs = Record<string, { value?: number | null; doc_count?: number; buckets?: unknown[] }>;

/** The sub-aggregations every searches total needs. */
const outcomeAggs = {
  zero: { filter: { term: { zero: true } } },
  clicked: { filter: { term: { clicked: true } } },
  carts: { sum: { field: 'carts' } },
  purchases: { sum: { field: 'purchases' } },
  converted: { filter: { range: { purchases: { gt: 0 } } } },
  revenue: { sum: { field: 'revenue' } },
} as const;

export function createAnalyticsEngine(es: EsClient, indices: AnalyticsIndices): AnalyticsEngine {
  const index = indices.alias('searches');
  const search = (body: object) =>
    es.search({ index, size: 0, ignore_unavailable: true, allow_no_indices: true, ...body } as never);

  async function totals(r: TimeRange): Promise<Totals> {
    const res = await search({
      query: { bool: { filter: [inRange(r)] } },
      aggs: {
        searches: {
          filter: { bool: { filter: firstPages } },
          aggs: { ...outcomeAggs, sessions: { cardinality: { field: 'session' } } },
        },
        chosen: {
          filter: { bool: { filter: [{ term: { kind: 'suggest' } }, { exists: { field: 'chosen' } }] } },
          aggs: { chosen_length: { sum: { field: 'chosen_length' } }, typed: { sum: { field: 'query_length' } } },
        },
        browses: { filter: { term: { kind: 'browse' } } },
      },
    });
    const a = (res as { aggregations?: Record<string, Aggs & { doc_count: number }> }).aggregations!;
    const s = a.searches!;
    const n = s.doc_count;
    const chosen = a.chosen!.doc_count;
    const saved = (a.chosen!.chosen_length!.value ?? 0) - (a.chosen!.typed!.value ?? 0);
    return {
      searches: n,
      sessions: s.sessions!.value ?? 0,
      zero_results: s.zero!.doc_count!,
      clicked: s.clicked!.doc_count!,
      ctr: ratio(s.clicked!.doc_count!, n),
      carts: s.carts!.value ?? 0,
      purchases: s.purchases!.value ?? 0,
      conversion: ratio(s.converted!.doc_count!, n),
      revenue: s.revenue!.value ?? 0,
      revenue_per_search: ratio(s.revenue!.value ?? 0, n),
      suggestions_chosen: chosen,
      from_suggestion_share: ratio(chosen, n),
      keystrokes_saved: Math.max(0, saved),
      keystrokes_saved_per_choice: ratio(Math.max(0, saved), chosen),
      browses: a.browses!.doc_count,
    };
  }

  /** Counts per key in the previous period, for the keys of this one. */
  async function previousCounts(
    r: TimeRange,
    field: string,
    keys: string[],
    filter: object[],
  ): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const res = await search({
      query: { bool: { filter: [inRange(previousOf(r)), ...filter, { terms: { [field]: keys } }] } },
      aggs: { k: { terms: { field, size: keys.length } } },
    });
    const buckets = (res as { aggregations?: { k: { buckets: { key: string; doc_count: number }[] } } }).aggregations!.k
      .buckets;
    return new Map(buckets.map((b) => [String(b.key), b.doc_count]));
  }

  return {
    async overview(r, interval) {
      const [current, previous, histogram] = await Promise.all([
        totals(r),
        totals(previousOf(r)),
        search({
          query: { bool: { filter: [inRange(r), ...firstPages] } },
          aggs: {
            t: {
              date_histogram: {
                field: 'ts',
                fixed_interval: interval === 'hour' ? '1h' : '1d',
                min_doc_count: 0,
                extended_bounds: { min: r.from, max: r.to - 1 },
              },
              aggs: outcomeAggs,
            },
          },
        }),
      ]);
      const buckets = (
        histogram as { aggregations?: { t: { buckets: (Aggs & { key: number; doc_count: number })[] } } }
      ).aggregations!.t.buckets.map((b) => ({
        start: new Date(b.key).toISOString(),
        searches: b.doc_count,
        zero_results: b.zero!.doc_count!,
        clicked: b.clicked!.doc_count!,
        ctr: ratio(b.clicked!.doc_count!, b.doc_count),
        purchases: b.purchases!.value ?? 0,
        revenue: b.revenue!.value ?? 0,
      }));
      return {
        from: new Date(r.from).toISOString(),
        to: new Date(r.to).toISOString(),
        interval,
        totals: current,
        previous,
        buckets,
      };
    },

    async queries(r, report, size) {
      const filter = [
        ...firstPages,
        ...(report === 'zero' ? [{ term: { zero: true } }] : []),
        ...(report === 'no_click' ? [{ term: { zero: false } }, { term: { clicked: false } }] : []),
      ];
      const res = await search({
        query: { bool: { filter: [inRange(r), ...filter] } },
        aggs: { q: { terms: { field: 'query', size }, aggs: outcomeAggs } },
      });
      const buckets = (res as { aggregations?: { q: { buckets: (Aggs & { key: string; doc_count: number })[] } } })
        .aggregations!.q.buckets;
      const before = await previousCounts(
        r,
        'query',
        buckets.map((b) => b.key),
        filter,
      );
      return {
        report,
        rows: buckets.map((b) => ({
          query: b.key,
          searches: b.doc_count,
          previous: before.get(b.key) ?? 0,
          zero_results: b.zero!.doc_count!,
          clicked: b.clicked!.doc_count!,
          ctr: ratio(b.clicked!.doc_count!, b.doc_count),
          purchases: b.purchases!.value ?? 0,
          revenue: b.revenue!.value ?? 0,
        })),
      };
    },

    async positions(r) {
      const curve = async (range: TimeRange) => {
        const res = await search({
          query: { bool: { filter: [inRange(range), { exists: { field: 'click_positions' } }] } },
          aggs: {
            p: {
              histogram: {
                field: 'click_positions',
                interval: 1,
                min_doc_count: 0,
                extended_bounds: { min: 1, max: 20 },
              },
            },
          },
        });
        const buckets = (res as { aggregations?: { p: { buckets: { key: number; doc_count: number }[] } } })
          .aggregations!.p.buckets;
        return new Map(buckets.filter((b) => b.key >= 1 && b.key <= 20).map((b) => [b.key, b.doc_count]));
      };
      const [now, before] = await Promise.all([curve(r), curve(previousOf(r))]);
      return {
        positions: Array.from({ length: 20 }, (_, i) => ({
          position: i + 1,
          clicks: now.get(i + 1) ?? 0,
          previous: before.get(i + 1) ?? 0,
        })),
      };
    },

    async categories(r, size) {
      const filter = [{ term: { kind: 'browse' } }, { term: { page: 1 } }];
      const res = await search({
        query: { bool: { filter: [inRange(r), ...filter] } },
        aggs: { c: { terms: { field: 'category', size } } },
      });
      const buckets = (res as { aggregations?: { c: { buckets: { key: string; doc_count: number }[] } } }).aggregations!
        .c.buckets;
      const before = await previousCounts(
        r,
        'category',
        buckets.map((b) => b.key),
        filter,
      );
      return {
        rows: buckets.map((b) => ({ category: b.key, views: b.doc_count, previous: before.get(b.key) ?? 0 })),
      };
    },
  };
}
