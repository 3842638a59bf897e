// The learner's checkpoint: its whole state with the offsets it covers, gzipped in one key, so the
// state and the offsets are always written together (one SET is atomic); its status (what it has
// read and published, for operators and for replays that wait on it); and the lock that lets one
// learner run while others stand by.
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import type { Redis } from '../common/clients/redis.ts';
import type { KeySpace } from './keys.ts';

export interface LearnerStatus {
  /** Next offsets read, per "topic/partition". */
  offsets: Record<string, string>;
  /** When outputs were last published (wall clock, ISO 8601), and the event time they reflect. */
  publishedAt: string;
  eventTime: string;
  instance: string;
}

export interface LearnerCheckpointStore<S> {
  load(): Promise<S | undefined>;
  save(state: S): Promise<number>;
  status(): Promise<LearnerStatus | undefined>;
  setStatus(status: LearnerStatus): Promise<void>;
  /** Takes or keeps the lock for `ttlMs`; false when another instance holds it. */
  lock(instance: string, ttlMs: number): Promise<boolean>;
  unlock(instance: string): Promise<void>;
}

// Compare-and-delete / compare-and-extend: only the holder may release or renew the lock.
const UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW = `local v = redis.call('get', KEYS[1])
if v == false then return redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) and 1 or 0 end
if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
return 0`;

const gzipAsync = promisify(gzip);

export function redisLearnerCheckpoints<S>(redis: Redis, keys: KeySpace['learner']): LearnerCheckpointStore<S> {
  return {
    async load() {
      const raw = await redis.getBuffer(keys.checkpoint);
      return raw === null ? undefined : (JSON.parse(gunzipSync(raw).toString('utf8')) as S);
    },
    async save(state) {
      // Compressed on libuv's thread pool: tens of megabytes gzipped on the main thread held the
      // learner's publications back by a third of a second.
      const raw = await gzipAsync(JSON.stringify(state), { level: 1 });
      await redis.set(keys.checkpoint, raw);
      return raw.length;
    },
    async status() {
      const raw = await redis.get(keys.status);
      return raw === null ? undefined : (JSON.parse(raw) as LearnerStatus);
    },
    async setStatus(status) {
      await redis.set(keys.status, JSON.stringify(status));
    },
    async lock(instance, ttlMs) {
      return (await redis.eval(RENEW, 1, keys.lock, instance, String(ttlMs))) === 1;
    },
    async unlock(instance) {
      await redis.eval(UNLOCK, 1, keys.lock, instance);
    },
  };
}
