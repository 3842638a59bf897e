// A value loaded from Redis and brought up to date when its revision counter changes: reading it
// costs one round trip per `refreshMs` at most. If Redis is unreachable the last value loaded
// stays in force.
import type { Logger } from './logger.ts';

export interface Held<T> {
  /** The value and the revision it is at; checks the revision first when the last check is older than refreshMs. */
  get(): Promise<{ value: T; revision: number }>;
}

interface RefreshOptions {
  refreshMs: number;
  log: Logger;
  /** Names the value in log lines. */
  what: string;
  now?: () => number;
}

export interface HoldOptions<T> extends RefreshOptions {
  revision: () => Promise<number>;
  load: () => Promise<T>;
  initial: T;
}

/**
 * Holds what `update` returns, asking it again once the last answer is older than refreshMs
 * (one request at a time asks; the others wait for its answer).
 */
export function holdUpdated<T>(
  initial: { value: T; revision: number },
  update: (held: { value: T; revision: number }) => Promise<{ value: T; revision: number }>,
  o: RefreshOptions,
): Held<T> {
  const now = o.now ?? Date.now;
  let held = initial;
  let checkedAt = -Infinity;
  let inflight: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    try {
      held = await update(held);
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

/** Reloads the whole value when the revision changes. */
export function holdByRevision<T>(o: HoldOptions<T>): Held<T> {
  return holdUpdated(
    { value: o.initial, revision: -1 },
    async (held) => {
      const revision = await o.revision();
      return revision === held.revision ? held : { value: await o.load(), revision };
    },
    o,
  );
}
