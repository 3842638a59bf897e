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

/** An aggregation result, read loosely: with no analytics index yet there is none, and it reads as empty. */
interface Agg {
  key?: string | number;
  doc_count?: number;
  value?: number | null;
  buckets?: Agg[];
  [sub: string]: unknown;
}
const aggsOf = (res: unknown): Agg => ((res as { aggregations?: Agg }).aggregations ?? {}) as Agg;
const sub = (a: Agg | undefined, name: string) => a?.[name] as Agg | undefined;
const count = (a: Agg | undefined) => a?.doc_count ?? 0;
const value = (a: Agg | undefined) => a?.value ?? 0;
const bucketsOf = (a: Agg | undefined) => a?.buckets ?? [];

/** The sub-aggregations every searches total needs. */
const outcomeAggs = {
  zero: { filter: { term: { zero: true } } },
  clicked: { filter: { term: { clicked: true } } },
  carts: { sum: { field: 'carts' } },
  purchases: { sum: { field: 'purchases' } },
  converted: { filter: { range: { purchases: { gt: 0 } } } },
  revenue: { sum: { field: 'revenue' } },
} as const;

/** What outcomeAggs give for `searches` searches. */
const outcomes = (a: Agg | undefined, searches: number) => ({
  zero_results: count(sub(a, 'zero')),
  clicked: count(sub(a, 'clicked')),
  ctr: ratio(count(sub(a, 'clicked')), searches),
  purchases: value(sub(a, 'purchases')),
  revenue: value(sub(a, 'revenue')),
});

export function createAnalyticsEngine(es: EsClient, indices: AnalyticsIndices): AnalyticsEngine {
  const index = indices.alias('searches');
  const search = async (body: object): Promise<Agg> =>
    aggsOf(await es.search({ index, size: 0, ignore_unavailable: true, allow_no_indices: true, ...body } as never));

  async function totals(r: TimeRange): Promise<Totals> {
    const a = await search({
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
    const s = sub(a, 'searches');
    const n = count(s);
    const chosen = count(sub(a, 'chosen'));
    const saved = Math.max(0, value(sub(sub(a, 'chosen'), 'chosen_length')) - value(sub(sub(a, 'chosen'), 'typed')));
    const o = outcomes(s, n);
    return {
      searches: n,
      sessions: value(sub(s, 'sessions')),
      ...o,
      carts: value(sub(s, 'carts')),
      conversion: ratio(count(sub(s, 'converted')), n),
      revenue_per_search: ratio(o.revenue, n),
      suggestions_chosen: chosen,
      from_suggestion_share: ratio(chosen, n),
      keystrokes_saved: saved,
      keystrokes_saved_per_choice: ratio(saved, chosen),
      browses: count(sub(a, 'browses')),
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
    const a = await search({
      query: { bool: { filter: [inRange(previousOf(r)), ...filter, { terms: { [field]: keys } }] } },
      aggs: { k: { terms: { field, size: keys.length } } },
    });
    return new Map(bucketsOf(sub(a, 'k')).map((b) => [String(b.key), count(b)]));
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
      return {
        from: new Date(r.from).toISOString(),
        to: new Date(r.to).toISOString(),
        interval,
        totals: current,
        previous,
        buckets: bucketsOf(sub(histogram, 't')).map((b) => ({
          start: new Date(Number(b.key)).toISOString(),
          searches: count(b),
          ...outcomes(b, count(b)),
        })),
      };
    },

    async queries(r, report, size) {
      const filter = [
        ...firstPages,
        ...(report === 'zero' ? [{ term: { zero: true } }] : []),
        ...(report === 'no_click' ? [{ term: { zero: false } }, { term: { clicked: false } }] : []),
      ];
      const a = await search({
        query: { bool: { filter: [inRange(r), ...filter] } },
        aggs: { q: { terms: { field: 'query', size }, aggs: outcomeAggs } },
      });
      const buckets = bucketsOf(sub(a, 'q'));
      const before = await previousCounts(
        r,
        'query',
        buckets.map((b) => String(b.key)),
        filter,
      );
      return {
        report,
        rows: buckets.map((b) => ({
          query: String(b.key),
          searches: count(b),
          previous: before.get(String(b.key)) ?? 0,
          ...outcomes(b, count(b)),
        })),
      };
    },

    async positions(r) {
      const curve = async (range: TimeRange) => {
        const a = await search({
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
        return new Map(bucketsOf(sub(a, 'p')).map((b) => [Number(b.key), count(b)]));
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
      const a = await search({
        query: { bool: { filter: [inRange(r), ...filter] } },
        aggs: { c: { terms: { field: 'category', size } } },
      });
      const buckets = bucketsOf(sub(a, 'c'));
      const before = await previousCounts(
        r,
        'category',
        buckets.map((b) => String(b.key)),
        filter,
      );
      return {
        rows: buckets.map((b) => ({
          category: String(b.key),
          views: count(b),
          previous: before.get(String(b.key)) ?? 0,
        })),
      };
    },
  };
}
