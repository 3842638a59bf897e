// Which index version the read alias points at, looked up at most once per interval. Cache keys and
// the spelling vocabulary carry it, so a version switch never serves answers from the old one.
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { liveIndex } from '../../mappings/lifecycle.ts';

export interface LiveVersion {
  get(): Promise<string>;
}

/**
 * A lookup that Elasticsearch does not answer within `waitMs` (a paused or overloaded cluster) does
 * not hold requests up: they go on with the last known version while it completes.
 */
export function watchLiveVersion(es: EsClient, alias: string, maxAgeMs = 1000, waitMs = 100): LiveVersion {
  let value: string | undefined;
  let fetchedAt = 0;
  let pending: Promise<string> | undefined;
  return {
    async get() {
      if (value !== undefined && Date.now() - fetchedAt < maxAgeMs) return value;
      pending ??= liveIndex(es, alias)
        .then(
          (v) => {
            value = v ?? 'none';
            fetchedAt = Date.now();
            return value;
          },
          (err: unknown) => {
            // Elasticsearch unreachable: keep using the last known version, so stale answers can still be found.
            if (value !== undefined) return value;
            throw err;
          },
        )
        .finally(() => {
          pending = undefined;
        });
      if (value === undefined) return pending;
      const known = value;
      return Promise.race([
        pending,
        new Promise<string>((resolve) => setTimeout(() => resolve(known), waitMs).unref()),
      ]);
    },
  };
}
