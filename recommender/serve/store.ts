// Reads the published model. The pointer is read at most once per `pointerTtlMs` and a request
// reads every list from the one version it started with, so a publish never mixes versions in an
// answer (the old version outlives the pointer cache by the GC grace period).
import type { Redis } from '../../common/clients/redis.ts';
import type { RecsKeys, ListKind } from '../publish/keys.ts';
import type { Manifest } from '../publish/publish.ts';
import type { ProductSummary } from '../publish/product-summary.ts';
import type { Scored } from '../models/ranked-list.ts';

export interface RecsStore {
  /** The current version's manifest, or undefined when nothing is published. */
  current(): Promise<Manifest | undefined>;
  lists(version: string, kind: Exclude<ListKind, 'product' | 'recent'>, ids: readonly string[]): Promise<(Scored[] | undefined)[]>;
  recent(version: string, user: string): Promise<string[] | undefined>;
  products(version: string, ids: readonly string[]): Promise<Map<string, ProductSummary>>;
}

export function redisRecsStore(redis: Redis, keys: RecsKeys, pointerTtlMs: number, now: () => number = Date.now): RecsStore {
  let pointer: { version: string | null; at: number } | undefined;
  const manifests = new Map<string, Manifest>();
  const parseAll = <T>(values: (string | null)[]): (T | undefined)[] => values.map((v) => (v === null ? undefined : (JSON.parse(v) as T)));
  return {
    async current() {
      if (!pointer || now() - pointer.at >= pointerTtlMs) pointer = { version: await redis.get(keys.current), at: now() };
      const version = pointer.version;
      if (version === null) return undefined;
      let m = manifests.get(version);
      if (!m) {
        const raw = await redis.get(keys.manifest(version));
        if (raw === null) return undefined;
        m = JSON.parse(raw) as Manifest;
        manifests.clear(); // one version in use at a time; an old one is not read again
        manifests.set(version, m);
      }
      return m;
    },
    async lists(version, kind, ids) {
      if (ids.length === 0) return [];
      return parseAll<Scored[]>(await redis.hmget(keys.list(version, kind), ...ids));
    },
    async recent(version, user) {
      const raw = await redis.hget(keys.list(version, 'recent'), user);
      return raw === null ? undefined : (JSON.parse(raw) as string[]);
    },
    async products(version, ids) {
      const out = new Map<string, ProductSummary>();
      if (ids.length === 0) return out;
      parseAll<ProductSummary>(await redis.hmget(keys.list(version, 'product'), ...ids)).forEach((p) => p && out.set(p.id, p));
      return out;
    },
  };
}
