// The analytics indices: one index per UTC day and family, named by the day of the answer or event
// (<prefix>-searches-2026.11.30), every one joined to its family's alias by an index template.
// Daily names, not rollover: a redelivered message (at-least-once) must land on the same document
// it wrote before, and only a name derived from the record's own time guarantees that; rollover
// would send it to a newer index as a second copy. Retention deletes whole days. Only composable
// index templates, aliases and index deletion are used: Elasticsearch 7.8+ and OpenSearch 1.x/2.x
// have them all (no ILM, which OpenSearch replaced with ISM).
import type { EsClient } from '../common/clients/elasticsearch.ts';

export type Family = 'searches' | 'events';

export interface AnalyticsIndices {
  /** The alias analytics queries read (every day of the family). */
  alias(family: Family): string;
  /** The index a record of that time belongs to. */
  indexFor(family: Family, time: number): string;
  /** Creates or updates both index templates (idempotent). */
  ensureTemplates(): Promise<void>;
  /** Deletes the days older than `days` before `now`; returns the indices deleted. */
  applyRetention(now: number, days: number): Promise<string[]>;
  /** Deletes every analytics index and template of this prefix (tests). */
  dropAll(): Promise<void>;
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10).replaceAll('-', '.');

const keyword = { type: 'keyword' } as const;
const stored = { type: 'keyword', index: false, doc_values: false } as const;

/** An answer (impression) with what followed it: clicks, carts, purchases, a chosen suggestion. */
const searchesMappings = {
  dynamic: 'strict',
  properties: {
    query_id: keyword,
    ts: { type: 'date' },
    kind: keyword,
    query: keyword,
    query_length: { type: 'integer' },
    category: keyword,
    rail: keyword,
    page: { type: 'integer' },
    size: { type: 'integer' },
    offset: { type: 'integer' },
    profile: keyword,
    total: { type: 'integer' },
    zero: { type: 'boolean' },
    relaxed: { type: 'boolean' },
    took: { type: 'integer' },
    filtered: { type: 'boolean' },
    session: keyword,
    experiment: keyword,
    variant: keyword,
    ids: stored,
    teams: { type: 'byte', index: false },
    suggestions: stored,
    // What followed, folded in by event (each event once: event_ids).
    event_ids: stored,
    clicked_products: stored,
    clicks: { type: 'integer' },
    clicked: { type: 'boolean' },
    click_positions: { type: 'integer' },
    first_click: { type: 'integer' },
    winner: keyword,
    carts: { type: 'integer' },
    purchases: { type: 'integer' },
    revenue: { type: 'double' },
    chosen: keyword,
    chosen_length: { type: 'integer' },
  },
} as const;

/** Every valid shopper event, one document each (id = event_id). */
const eventsMappings = {
  dynamic: 'strict',
  properties: {
    event_id: keyword,
    type: keyword,
    ts: { type: 'date' },
    session: keyword,
    query_id: keyword,
    product: keyword,
    products: keyword,
    position: { type: 'integer' },
    text: keyword,
    order_id: keyword,
    quantity: { type: 'integer' },
    revenue: { type: 'double' },
  },
} as const;

export function analyticsIndices(es: EsClient, prefix: string): AnalyticsIndices {
  const alias = (f: Family) => `${prefix}-${f}`;
  const pattern = (f: Family) => `${prefix}-${f}-*`;
  return {
    alias,
    indexFor: (f, time) => `${prefix}-${f}-${day(time)}`,
    async ensureTemplates() {
      for (const [f, mappings] of [
        ['searches', searchesMappings],
        ['events', eventsMappings],
      ] as const)
        await es.indices.putIndexTemplate({
          name: alias(f),
          index_patterns: [pattern(f)],
          priority: 200,
          template: {
            settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
            mappings: mappings as never,
            aliases: { [alias(f)]: {} },
          },
        });
    },
    async applyRetention(now, days) {
      const cutoff = day(now - days * 86_400_000);
      const existing = await es.cat.indices({ index: `${prefix}-*`, h: 'index', format: 'json' });
      const old = (existing as { index?: string }[])
        .map((r) => r.index ?? '')
        .filter((name) => {
          const m = /^(searches|events)-(\d{4}\.\d{2}\.\d{2})$/.exec(name.slice(prefix.length + 1));
          return name.startsWith(`${prefix}-`) && m !== null && m[2]! < cutoff;
        });
      for (const index of old) await es.indices.delete({ index, ignore_unavailable: true });
      return old;
    },
    async dropAll() {
      await es.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
      for (const f of ['searches', 'events'] as const)
        await es.indices.deleteIndexTemplate({ name: alias(f) }).catch(() => {});
    },
  };
}
