// Writes one batch of analytics records to Elasticsearch: finds the days of the answers that events
// refer to, attributes purchases to the searches their products were clicked or carted from (this
// process's recent memory first, then the events index), and sends one bulk request. Documents are
// keyed by query id and event id, so writing a batch twice leaves the indices as writing it once.
import type { estypes } from '@elastic/elasticsearch';
import { LRUCache } from 'lru-cache';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Impression } from '../events/impression.ts';
import type { RecordedEvent } from '../events/shopper-event.ts';
import {
  eventDoc,
  eventTimeOf,
  FOLD_SCRIPT,
  MAX_EVENTS_PER_ANSWER,
  type Outcome,
  outcomesOf,
  searchDoc,
} from './documents.ts';
import type { AnalyticsIndices } from './indices.ts';

/** How far back a purchase looks for the search its product came from. */
const ATTRIBUTION_WINDOW_MS = 7 * 86_400_000;

export interface BatchResult {
  written: number;
  /** Items Elasticsearch refused for good (a mapping conflict): counted, never retried. */
  rejected: number;
  /** Why the first of them was refused. */
  reason?: string;
}

export class TransientWriteError extends Error {}

export interface AnalyticsWriter {
  write(impressions: Impression[], events: RecordedEvent[]): Promise<BatchResult>;
}

export function analyticsWriter(es: EsClient, indices: AnalyticsIndices, recentSessions = 100_000): AnalyticsWriter {
  // Per session, the answer each product was last clicked or carted from (bounded; a restart forgets
  // it and the events index answers instead).
  const recent = new LRUCache<string, Map<string, string>>({ max: recentSessions });
  const remember = (session: string, product: string, queryId: string) => {
    const m = recent.get(session) ?? new Map<string, string>();
    m.set(product, queryId);
    if (m.size > 100) m.delete(m.keys().next().value!);
    recent.set(session, m);
  };

  /** Answers of this batch's purchases that memory does not know, from the events index. */
  async function lookUpAttribution(purchases: RecordedEvent[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const unknown = purchases.filter(
      (p) => p.type === 'purchase' && p.items.some((x) => !recent.get(p.session)?.has(x.product)),
    );
    if (unknown.length === 0) return found;
    const res = await es.msearch({
      index: indices.alias('events'),
      searches: unknown.flatMap((p): estypes.MsearchRequestItem[] => {
        const t = eventTimeOf(p);
        return [
          {},
          {
            size: 100,
            _source: ['product', 'query_id'],
            sort: [{ ts: 'desc' }],
            query: {
              bool: {
                filter: [
                  { term: { session: p.session } },
                  { terms: { type: ['click', 'add_to_cart'] } },
                  { terms: { product: p.type === 'purchase' ? p.items.map((x) => x.product) : [] } },
                  { exists: { field: 'query_id' } },
                  {
                    range: {
                      ts: { gte: new Date(t - ATTRIBUTION_WINDOW_MS).toISOString(), lte: new Date(t).toISOString() },
                    },
                  },
                ],
              },
            },
          },
        ];
      }),
    });
    res.responses.forEach((r, i) => {
      if ('error' in r) return;
      const session = unknown[i]!.session;
      // Newest first: the first answer seen per product is the latest.
      for (const h of r.hits.hits) {
        const src = h._source as { product: string; query_id: string };
        const key = `${session}\u0000${src.product}`;
        if (!found.has(key)) found.set(key, src.query_id);
      }
    });
    return found;
  }

  /** The index each answer's document lives in, for the answers this batch's events refer to. */
  async function answerIndices(queryIds: string[]): Promise<Map<string, string>> {
    if (queryIds.length === 0) return new Map();
    const res = await es.search({
      index: indices.alias('searches'),
      ignore_unavailable: true,
      allow_no_indices: true,
      size: queryIds.length,
      _source: false,
      query: { ids: { values: queryIds } },
    });
    return new Map(res.hits.hits.map((h) => [h._id!, h._index]));
  }

  return {
    async write(impressions, events) {
      const ops: object[] = [];
      const where = new Map<string, string>();
      for (const i of impressions) {
        const index = indices.indexFor('searches', Date.parse(i.ts));
        where.set(i.query_id, index);
        ops.push(
          { update: { _index: index, _id: i.query_id, retry_on_conflict: 5 } },
          {
            scripted_upsert: true,
            upsert: {},
            script: { source: FOLD_SCRIPT, params: { doc: searchDoc(i), max: MAX_EVENTS_PER_ANSWER } },
          },
        );
      }
      for (const e of events) {
        if ((e.type === 'click' || e.type === 'add_to_cart') && e.query_id) remember(e.session, e.product, e.query_id);
      }
      const looked = await lookUpAttribution(events.filter((e) => e.type === 'purchase'));
      const outcomes: { outcome: Outcome; time: number }[] = [];
      for (const e of events) {
        ops.push({ index: { _index: indices.indexFor('events', eventTimeOf(e)), _id: e.event_id } }, eventDoc(e));
        const attributed = (product: string) =>
          recent.get(e.session)?.get(product) ?? looked.get(`${e.session}\u0000${product}`);
        for (const outcome of outcomesOf(e, attributed)) outcomes.push({ outcome, time: eventTimeOf(e) });
      }
      const unknown = [...new Set(outcomes.map((o) => o.outcome.query_id).filter((q) => !where.has(q)))];
      for (const [q, index] of await answerIndices(unknown)) where.set(q, index);
      for (const { outcome, time } of outcomes)
        ops.push(
          // An event read before its answer starts the answer's document on the event's day.
          {
            update: {
              _index: where.get(outcome.query_id) ?? indices.indexFor('searches', time),
              _id: outcome.query_id,
              retry_on_conflict: 5,
            },
          },
          {
            scripted_upsert: true,
            upsert: {},
            script: { source: FOLD_SCRIPT, params: { outcome, max: MAX_EVENTS_PER_ANSWER } },
          },
        );
      if (ops.length === 0) return { written: 0, rejected: 0 };
      const res = await es.bulk({ operations: ops, filter_path: ['errors', 'items.*.status', 'items.*.error'] });
      let rejected = 0;
      let reason: string | undefined;
      let transient: string | undefined;
      for (const item of res.items ?? []) {
        const r = Object.values(item)[0]!;
        if (!r.error) continue;
        if (r.status === 429 || r.status >= 500) transient = r.error.reason ?? r.error.type;
        else {
          rejected++;
          reason ??= r.error.reason ?? r.error.type;
        }
      }
      // Writes are idempotent: the whole batch is sent again.
      if (transient) throw new TransientWriteError(`analytics bulk item failed: ${transient}`);
      return { written: ops.length / 2 - rejected, rejected, ...(reason ? { reason } : {}) };
    },
  };
}
