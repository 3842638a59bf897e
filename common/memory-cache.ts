// Every in-process cache is bounded by bytes, not entries: one entry can be a few bytes or a large
// answer, so a count bound lets memory grow with what clients ask for. Sizes are estimates of
// what the entry holds (UTF-16 strings, parsed JSON at about twice its text); expired entries are
// purged on a timer, so memory falls back once traffic stops.
import { LRUCache } from 'lru-cache';

export interface MemoryCacheOptions<V> {
  maxBytes: number;
  /** Entries older than this are gone; none: kept until evicted. */
  ttlMs?: number;
  /** Bytes an entry takes beyond its key. */
  sizeOf: (value: V) => number;
}

export type MemoryCache<V extends {}> = LRUCache<string, V>;

/** Bytes of a string in memory. */
export const stringBytes = (s: string): number => 2 * s.length;

/** Bytes of a value parsed from JSON text of `jsonLength` characters (objects cost more than their text). */
export const parsedBytes = (jsonLength: number): number => 4 * jsonLength + 64;

export function memoryCache<V extends {}>(o: MemoryCacheOptions<V>): MemoryCache<V> {
  return new LRUCache<string, V>({
    maxSize: Math.max(1, o.maxBytes),
    sizeCalculation: (value, key) => Math.max(1, stringBytes(key) + o.sizeOf(value)),
    // An entry larger than the whole cache is not kept at all.
    maxEntrySize: Math.max(1, o.maxBytes),
    ...(o.ttlMs ? { ttl: o.ttlMs, ttlAutopurge: true } : {}),
  });
}
