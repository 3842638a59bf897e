// Where a published model lives in Redis. Every list of a version sits in a few hashes under
// <prefix>recs:v:<version>:, so a version is written, checked and deleted as a unit, and one
// pointer key says which version readers use.

export const LIST_KINDS = ['similar', 'together', 'user', 'recent', 'trending', 'product', 'embedding'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** The trending hash's field for the whole catalog (other fields are category paths). */
export const ALL_CATEGORIES = '*';

export interface RecsKeys {
  current: string;
  /** Sorted set: version → publish time. */
  versions: string;
  /** Hash: version → time it stopped being current. */
  retired: string;
  manifest(version: string): string;
  list(version: string, kind: ListKind): string;
}

export function recsKeys(redisPrefix: string): RecsKeys {
  const base = `${redisPrefix}recs:`;
  return {
    current: `${base}current`,
    versions: `${base}versions`,
    retired: `${base}retired`,
    manifest: (v) => `${base}v:${v}:manifest`,
    list: (v, kind) => `${base}v:${v}:${kind}`,
  };
}
