// Writes a batch of change events into one index: read the current state of every product in the
// batch (one mget), merge, and write back in one bulk request guarded by sequence numbers, so a
// concurrent writer (the other priority lane, a rebuild replay) is detected and merged again,
// never overwritten. Rerunning a batch is harmless: merging is idempotent.
import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { ProductEvent } from './event.ts';
import { failureKind, failureReason, TransientWriteError } from './failures.ts';
import { applyEvents, type ProductState } from './merge.ts';
import { fromStoredDocument, toStoredDocument, type StoredDocument } from './stored-document.ts';

export interface Rejection {
  event: ProductEvent;
  reason: string;
}

export interface WriteResult {
  written: number;
  /** Events that changed nothing: duplicates, or older than what is stored. */
  unchanged: number;
  /** Events that can never be written (the document is refused); they belong in the dead-letter topic. */
  rejected: Rejection[];
}

interface Current {
  state: ProductState;
  seqNo: number;
  primaryTerm: number;
}

const MAX_CONFLICT_ROUNDS = 5;

function groupById(events: readonly ProductEvent[]): Map<string, ProductEvent[]> {
  const byId = new Map<string, ProductEvent[]>();
  for (const e of events) {
    const list = byId.get(e.id);
    if (list) list.push(e);
    else byId.set(e.id, [e]);
  }
  for (const list of byId.values()) list.sort((a, b) => a.version - b.version);
  return byId;
}

const isTransientStatus = (status: number): boolean => status === 429 || status >= 500;

async function readCurrent(es: EsClient, index: string, ids: string[]): Promise<Map<string, Current>> {
  const res = await es.mget<StoredDocument>({
    index,
    ids,
    realtime: true,
    filter_path: ['docs._id', 'docs.found', 'docs._seq_no', 'docs._primary_term', 'docs._source', 'docs.error'],
  });
  const out = new Map<string, Current>();
  for (const d of res.docs) {
    if ('error' in d && d.error) throw new TransientWriteError(`mget ${d._id}: ${d.error.reason ?? d.error.type}`);
    const doc = d as estypes.GetGetResult<StoredDocument>;
    if (doc.found && doc._source)
      out.set(doc._id, {
        state: fromStoredDocument(doc._source),
        seqNo: doc._seq_no!,
        primaryTerm: doc._primary_term!,
      });
  }
  return out;
}

export async function writeEvents(
  es: EsClient,
  index: string,
  events: readonly ProductEvent[],
  now = () => new Date().toISOString(),
): Promise<WriteResult> {
  const result: WriteResult = { written: 0, unchanged: 0, rejected: [] };
  let pending = groupById(events);
  for (let round = 0; pending.size > 0; round++) {
    if (round === MAX_CONFLICT_ROUNDS)
      throw new TransientWriteError(`${pending.size} product(s) still conflicting after ${round} rounds`);
    const current = await readCurrent(es, index, [...pending.keys()]);
    const operations: unknown[] = [];
    const order: string[] = [];
    const updatedAt = now();
    for (const [id, list] of pending) {
      const cur = current.get(id);
      const next = applyEvents(cur?.state, list);
      if (!next) {
        result.unchanged += list.length;
        continue;
      }
      operations.push(
        cur
          ? { index: { _index: index, _id: id, if_seq_no: cur.seqNo, if_primary_term: cur.primaryTerm } }
          : { create: { _index: index, _id: id } },
      );
      operations.push(toStoredDocument(next, updatedAt));
      order.push(id);
    }
    if (operations.length === 0) break;
    // Only what the outcome needs: Elasticsearch then builds, and we parse, a fraction of the response.
    const res = await es.bulk({ operations, filter_path: ['errors', 'items.*.status', 'items.*.error'] });
    const conflicts = new Map<string, ProductEvent[]>();
    let transient: string | undefined;
    res.items.forEach((item, i) => {
      const id = order[i]!;
      const list = pending.get(id)!;
      const r = (item.index ?? item.create)!;
      if (r.status >= 200 && r.status < 300) result.written++;
      else if (r.status === 409) conflicts.set(id, list);
      else if (isTransientStatus(r.status))
        transient ??= `${r.status} ${r.error?.type ?? ''}: ${r.error?.reason ?? ''}`;
      else
        for (const event of list)
          result.rejected.push({ event, reason: `${r.error?.type ?? r.status}: ${r.error?.reason ?? 'rejected'}` });
    });
    if (transient) throw new TransientWriteError(`bulk item failed: ${transient}`);
    pending = conflicts;
  }
  return result;
}

/**
 * writeEvents, but a request Elasticsearch refuses as a whole (a 4xx for the bulk or the mget, not
 * for one item) is split in halves until the events that cause it are alone: those are rejected
 * with the reason, the others written. Transient failures are thrown for the caller to retry.
 */
export async function writeEventsSplitting(
  es: EsClient,
  index: string,
  events: readonly ProductEvent[],
  now?: () => string,
): Promise<WriteResult> {
  try {
    return await writeEvents(es, index, events, now);
  } catch (err) {
    if (failureKind(err) === 'transient') throw err;
    if (events.length === 1)
      return { written: 0, unchanged: 0, rejected: [{ event: events[0]!, reason: failureReason(err) }] };
    const half = Math.ceil(events.length / 2);
    const a = await writeEventsSplitting(es, index, events.slice(0, half), now);
    const b = await writeEventsSplitting(es, index, events.slice(half), now);
    return {
      written: a.written + b.written,
      unchanged: a.unchanged + b.unchanged,
      rejected: [...a.rejected, ...b.rejected],
    };
  }
}
