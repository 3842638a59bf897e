// Retrying transient failures with exponential backoff and full jitter: the indexer never skips
// events because a server is down, it waits. A permanent failure (failures.ts) is thrown at once:
// waiting cannot fix it, so the caller dead-letters instead of retrying forever.
import { setTimeout as sleep } from 'node:timers/promises';
import { failureKind } from './failures.ts';

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** Full jitter: a random delay up to base·2^attempt, capped. */
export const backoffDelay = (b: Backoff, attempt: number, rand = Math.random): number =>
  Math.floor(rand() * Math.min(b.maxMs, b.baseMs * 2 ** attempt));

/** Thrown when the caller stopped wanting the result (shutdown, rebalance) while retrying. */
export class RetryAborted extends Error {
  override name = 'RetryAborted';
}

export interface RetryHooks {
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void | Promise<void>;
  /** Checked before each attempt; false aborts with RetryAborted. */
  shouldContinue?: () => boolean;
}

/** Runs `fn` until it succeeds or fails permanently, waiting out transient failures. */
export async function retryTransient<T>(fn: () => Promise<T>, backoff: Backoff, hooks: RetryHooks = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (hooks.shouldContinue && !hooks.shouldContinue()) throw new RetryAborted('stopped while retrying');
    try {
      return await fn();
    } catch (err) {
      if (failureKind(err) === 'permanent') throw err;
      const delay = backoffDelay(backoff, attempt);
      await hooks.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
