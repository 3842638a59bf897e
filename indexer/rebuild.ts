// Zero-downtime rebuild: a new index version is filled from a catalog while searches keep reading
// the old one, then the read alias moves in one atomic action.
//
// 1. create `<alias>-<n+1>` (refresh off while loading) and add it to the write alias, so the
//    running indexer writes every new event to both versions from then on;
// 2. load the catalog into it through the same merge as live events;
// 3. replay the event topics from a point before the catalog snapshot (optional), so events the
//    indexer applied to the old version only, just before step 1, reach the new one too;
// 4. restore the refresh interval, refresh, switch the read alias; the old version leaves the write
//    alias in the same atomic action, and stays for rollback (`index switch`).
// Steps 2 and 3 may overlap with live writes in any order: the merge is order-independent.
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { createProgress } from '../common/progress.ts';
import {
  addWriteTarget,
  createIndexVersion,
  liveIndex,
  removeWriteTarget,
  switchAlias,
  type IndexOptions,
} from '../mappings/lifecycle.ts';
import { catalogEvents, countCatalog } from './catalog-events.ts';
import type { ProductEvent } from './event.ts';
import { writeEvents } from './writer.ts';

export interface RebuildOptions {
  catalogFile: string;
  versionBase: number;
  batchSize: number;
  /** Re-applies recent events from Kafka to the new index; see indexer/replay.ts. */
  replay?: (index: string) => Promise<number>;
  progress?: boolean;
}

export interface RebuildResult {
  index: string;
  previous?: string;
  loaded: number;
  rejected: number;
  /** The first rejected lines with their reasons. */
  rejectedLines: { line: number; reason: string }[];
  replayed: number;
  seconds: number;
}

const MAX_REPORTED_REJECTIONS = 100;

export async function rebuildFromCatalog(
  es: EsClient,
  index: IndexOptions,
  opts: RebuildOptions,
): Promise<RebuildResult> {
  const t0 = performance.now();
  const previous = await liveIndex(es, index.alias);
  const next = await createIndexVersion(es, index, { refreshInterval: '-1' });
  await addWriteTarget(es, index.alias, next);
  const rejectedLines: { line: number; reason: string }[] = [];
  let rejected = 0;
  const reject = (line: number, reason: string) => {
    rejected++;
    if (rejectedLines.length < MAX_REPORTED_REJECTIONS) rejectedLines.push({ line, reason });
  };
  let loaded = 0;
  try {
    const progress = createProgress(
      `loading ${next}`,
      opts.progress ? await countCatalog(opts.catalogFile) : undefined,
      opts.progress ? undefined : () => {},
    );
    let batch: { line: number; event: ProductEvent }[] = [];
    const flush = async () => {
      const r = await writeEvents(
        es,
        next,
        batch.map((b) => b.event),
      );
      loaded += r.written;
      const lineOf = new Map(batch.map((b) => [b.event, b.line]));
      for (const x of r.rejected) reject(lineOf.get(x.event) ?? 0, x.reason);
      progress.tick(batch.length);
      batch = [];
    };
    for await (const rec of catalogEvents(opts.catalogFile, { versionBase: opts.versionBase })) {
      if ('error' in rec) {
        reject(rec.line, rec.error);
        progress.tick();
        continue;
      }
      batch.push(rec);
      if (batch.length >= opts.batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    progress.done();
    const replayed = opts.replay ? await opts.replay(next) : 0;
    await es.indices.putSettings({ index: next, settings: { refresh_interval: index.refreshInterval } });
    await es.indices.refresh({ index: next });
    await switchAlias(es, index.alias, next);
    return {
      index: next,
      previous,
      loaded,
      rejected,
      rejectedLines,
      replayed,
      seconds: (performance.now() - t0) / 1000,
    };
  } catch (e) {
    // A failed rebuild must not leave the indexer writing to a half-built index forever.
    await removeWriteTarget(es, index.alias, next).catch(() => {});
    throw e;
  }
}
