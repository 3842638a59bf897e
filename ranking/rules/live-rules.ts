// The rules a service instance applies, reloaded within `refreshMs` of any edit (the store bumps a
// revision with every change; polling it costs one GET). If Redis is unreachable the last rules
// loaded stay in force.
import type { Logger } from '../../common/logger.ts';
import type { Rule } from './rule.ts';
import type { RuleStore } from './rule-store.ts';

export interface LiveRules {
  /** The rules and the revision they are at; refreshes first when the last check is older than refreshMs. */
  get(): Promise<{ rules: readonly Rule[]; revision: number }>;
}

export function liveRules(store: RuleStore, refreshMs: number, log: Logger, now: () => number = Date.now): LiveRules {
  let held: { rules: readonly Rule[]; revision: number } = { rules: [], revision: -1 };
  let checkedAt = -Infinity;
  let inflight: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    try {
      const revision = await store.revision();
      if (revision !== held.revision) held = { rules: await store.all(), revision };
      checkedAt = now();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'rules not reloaded: Redis unavailable; the last rules loaded stay in force');
      checkedAt = now();
    }
  }

  return {
    async get() {
      if (now() - checkedAt >= refreshMs) {
        inflight ??= refresh().finally(() => (inflight = undefined));
        await inflight;
      }
      return held;
    },
  };
}
