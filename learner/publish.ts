// Turns the learner's state into what the service reads, at a cadence: learned click signals
// (with the position-bias model applied), the rails' live lists and suggestion popularity, each
// written as one transaction (a new revision, or a delta on the suggestion version), so a reader
// sees one publication or the next, never a mix. What changed is written first; when the
// position-bias model moves or a full refresh is due (shares age as their clicks do), everything
// is rewritten after it.
import type { Logger } from '../common/logger.ts';
import { defaultLearnOptions } from '../ranking/learn/learned.ts';
import type { LearnedStore } from '../stores/learned-signals.ts';
import type { LiveRailStore } from '../stores/live-rails.ts';
import type { SuggestionPublisher } from './suggestion-publisher.ts';
import type { ProductCategories } from './product-categories.ts';
import type { LearnerState } from './state.ts';

export interface PublishOptions {
  learned: LearnedStore;
  rails: LiveRailStore;
  suggestions: SuggestionPublisher;
  categories: ProductCategories;
  log: Logger;
  /** Re-estimate the position-bias model after this many new shows and clicks… */
  reestimateAfter: number;
  /**
   * … and no sooner than this after the last estimate (wall clock): while catching up on a backlog
   * the shows pile up fast, and each estimate (and the full rewrite it brings) costs a pass over
   * every exposure, while the model moves slowly.
   */
  reestimateEveryMs: number;
  /** Rewrite every learned query at least this often (wall clock). */
  fullEveryMs: number;
  now?: () => number;
}

export interface Publication {
  queries: number;
  removed: number;
  full: boolean;
  examination: number[];
}

export function createPublisher(o: PublishOptions) {
  const now = o.now ?? Date.now;
  let examination: number[] = [];
  let sinceEstimate = Number.POSITIVE_INFINITY;
  let lastEstimate = Number.NEGATIVE_INFINITY;
  let lastFull = Number.NEGATIVE_INFINITY;
  /** Queries the store holds, so those no longer learned are removed. */
  let published = new Set<string>();

  /** Writes the signals of `keys` as one new revision (removing those no longer learned). */
  async function write(state: LearnerState, keys: string[], full: boolean): Promise<Publication | undefined> {
    if (keys.length === 0) return undefined;
    await o.categories.load(state.clicks.productsOf(keys));
    const signals = state.clicks.signals(
      state.maxTime,
      (id) => o.categories.of(id),
      examination,
      defaultLearnOptions,
      keys,
    );
    const removed = keys.filter((k) => !signals.has(k) && published.has(k));
    const next = new Set(published);
    for (const k of removed) next.delete(k);
    for (const k of signals.keys()) next.add(k);
    await o.learned.update(signals, removed, {
      learned_at: new Date(now()).toISOString(),
      as_of: new Date(state.maxTime).toISOString(),
      clicks: state.counters.events.click ?? 0,
      queries: next.size,
    });
    published = next;
    return { queries: signals.size, removed: removed.length, full, examination };
  }

  return {
    get examination(): readonly number[] {
      return examination;
    },
    /** Starts from what the store holds (queries learned before a restart). */
    adopt(held: Map<string, unknown>): void {
      published = new Set(held.keys());
    },
    async publish(state: LearnerState): Promise<Publication | undefined> {
      await o.rails.publish(state.rails.takeChanged(state.maxTime));
      await o.suggestions.publish(state, false);
      const dropped = state.prune();
      const changed = [...state.clicks.takeChanged(), ...dropped];
      // What just changed goes out first, with the model as it stands: a re-estimate or a full
      // rewrite takes seconds on a large state, and a click must not wait behind it.
      let done = changed.length > 0 ? await write(state, changed, false) : undefined;
      sinceEstimate += state.exposures.takeAdded();
      const reestimate = sinceEstimate >= o.reestimateAfter && now() - lastEstimate >= o.reestimateEveryMs;
      const fullDue = now() - lastFull >= o.fullEveryMs;
      if (fullDue) await o.suggestions.publish(state, true);
      if (reestimate) {
        examination = state.exposures.examination();
        sinceEstimate = 0;
        lastEstimate = now();
      }
      if (reestimate || fullDue) {
        done = (await write(state, [...new Set([...published, ...state.clicks.keys()])], true)) ?? done;
        lastFull = now();
      }
      return done;
    },
  };
}
