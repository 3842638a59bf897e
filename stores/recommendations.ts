// Reads the published model. The pointer is read at most once per `pointerTtlMs` and a request
// reads every list from the one version it started with, so a publish never mixes versions in an
// answer (the old version outlives the pointer cache by the GC grace period).
// A published version never changes, so what was read from it (lists, product fields, and the
// fact that an id has none) is kept parsed in an in-process LRU keyed by version: a hot item costs
// no Redis round trip and no JSON parsing.
import type { Redis } from '../common/clients/redis.ts';
import { memoryCache, parsedBytes } from '../common/memory-cache.ts';
import type { ExplainedScored, Scored } from '../recommender/models/ranked-list.ts';
import type { ListKind, RecsKeys } from '../recommender/publish/keys.ts';
import type { ProductSummary } from '../recommender/publish/product-summary.ts';
import type { Manifest } from '../recommender/publish/publish.ts';

export interface RecsStore {
  /** The current version's manifest, or undefined when nothing is published. */
  current(): Promise<Manifest | undefined>;
  lists(
    version: string,
    kind: Exclude<ListKind, 'product' | 'recent' | 'embedding' | 'user'>,
    ids: readonly string[],
  ): Promise<(Scored[] | undefined)[]>;
  /** A customer's personalized list, each item with the signals that put it there. */
  personalized(version: string, user: string): Promise<ExplainedScored[] | undefined>;
  /** Unit-length item vectors, by id (items never embedded are absent). */
  embeddings(version: string, ids: readonly string[]): Promise<Map<string, number[]>>;
  recent(version: string, user: string): Promise<string[] | undefined>;
  products(version: string, ids: readonly string[]): Promise<Map<string, ProductSummary>>;
}

export interface RecsStoreOptions {
  pointerTtlMs: number;
  /** Bytes of parsed entries kept in process; 0 reads everything from Redis every time. */
  cacheBytes: number;
  now?: () => number;
}

/** Stands for "Redis has no entry", which is worth remembering too. */
const MISSING = Symbol('missing');
/** What Redis answered for one id, parsed, and the length of its text (for the memory bound). */
interface Slot {
  value: object | typeof MISSING;
  length: number;
}

export function redisRecsStore(redis: Redis, keys: RecsKeys, o: RecsStoreOptions): RecsStore {
  const now = o.now ?? Date.now;
  let pointer: { version: string | null; at: number } | undefined;
  const manifests = new Map<string, Manifest>();
  const cache =
    o.cacheBytes > 0 ? memoryCache<Slot>({ maxBytes: o.cacheBytes, sizeOf: (s) => parsedBytes(s.length) }) : undefined;

  /** One HMGET for whatever of `ids` is not cached; answers in the order of `ids`. */
  async function read<T extends object>(
    version: string,
    kind: ListKind,
    ids: readonly string[],
  ): Promise<(T | undefined)[]> {
    const slotKey = (id: string) => `${version}\u0000${kind}\u0000${id}`;
    const slots = ids.map((id) => cache?.get(slotKey(id)));
    const missing = ids.filter((_, i) => slots[i] === undefined);
    if (missing.length > 0) {
      const raw = await redis.hmget(keys.list(version, kind), ...missing);
      const fetched = new Map(
        missing.map((id, i): [string, Slot] => {
          const text = raw[i];
          return [
            id,
            text == null ? { value: MISSING, length: 0 } : { value: JSON.parse(text) as object, length: text.length },
          ];
        }),
      );
      for (const [id, slot] of fetched) cache?.set(slotKey(id), slot);
      ids.forEach((id, i) => (slots[i] ??= fetched.get(id)));
    }
    return slots.map((s) => (s === undefined || s.value === MISSING ? undefined : (s.value as T)));
  }

  return {
    async current() {
      if (!pointer || now() - pointer.at >= o.pointerTtlMs)
        pointer = { version: await redis.get(keys.current), at: now() };
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
    lists: (version, kind, ids) => (ids.length === 0 ? Promise.resolve([]) : read<Scored[]>(version, kind, ids)),
    async personalized(version, user) {
      return (await read<ExplainedScored[]>(version, 'user', [user]))[0];
    },
    async recent(version, user) {
      return (await read<string[]>(version, 'recent', [user]))[0];
    },
    async embeddings(version, ids) {
      const out = new Map<string, number[]>();
      if (ids.length > 0) (await read<number[]>(version, 'embedding', ids)).forEach((v, i) => v && out.set(ids[i]!, v));
      return out;
    },
    async products(version, ids) {
      const out = new Map<string, ProductSummary>();
      if (ids.length > 0) (await read<ProductSummary>(version, 'product', ids)).forEach((p) => p && out.set(p.id, p));
      return out;
    },
  };
}
