// A value loaded from Redis and reloaded when its revision counter changes: reading it costs one
// GET per `refreshMs` at most. If Redis is unreachable the last value loaded stays in force.
import type { Logger } from './logger.ts';

export interface Held<T> {
  /** The value and the revision it is at; checks the revision first when the last check is older than refreshMs. */
  get(): Promise<{ value: T; revision: number }>;
}

export interface HoldOptions<T> {
  revision: () => Promise<number>;
  load: () => Promise<T>;
  initial: T;
  refreshMs: number;
  log: Logger;
  /** Names the value in log lines. */
  what: string;
  now?: () => number;
}

export function holdByRevision<T>(o: HoldOptions<T>): Held<T> {
  const now = o.now ?? Date.now;
  let held = { value: o.initial, revision: -1 };
  let checkedAt = -Infinity;
  let inflight: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    try {
      const revision = await o.revision();
      if (revision !== held.revision) held = { value: await o.load(), revision };
    } catch (err) {
      o.log.warn(
        { err: (err as Error).message },
        `${o.what} not reloaded: Redis unavailable; the last loaded stay in force`,
      );
    }
    checkedAt = now();
  }

  return {
    async get() {
      if (now() - checkedAt >= o.refreshMs) {
        inflight ??= refresh().finally(() => (inflight = undefined));
        await inflight;
      }
      return held;
    },
  };
}
