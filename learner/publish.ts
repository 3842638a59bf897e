// Turns the learner's state into what the service reads, at a cadence: learned click signals
// (with the position-bias model applied), the rails' live lists and suggestion popularity, each
// written as one transaction (a new revision, or a delta on the suggestion version), so a reader
// sees one publication or the next, never a mix. What changed is written first; when the
// position-bias model moves or a full refresh is due (shares age as their clicks do), everything
// is rewritten after it.
import { createHash } from 'node:crypto';
import type { Logger } from '../common/logger.ts';
import { defaultLearnOptions, type LearnedQuery, type LearnedSignals } from '../ranking/learn/learned.ts';
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

/**
 * Shares to three significant digits (within 0.5%): a rewrite as clicks age by minutes moves
 * most of them by less, so most are left as they are.
 */
const share = (s: number) => Number(s.toPrecision(3));
const rounded = (l: LearnedQuery): LearnedQuery => ({
  products: l.products.map(([id, s]) => [id, share(s)]),
  categories: l.categories.map(([c, s]) => [c, share(s)]),
});

const fingerprint = (l: LearnedQuery): string => createHash('sha1').update(JSON.stringify(l)).digest('base64');

export function createPublisher(o: PublishOptions) {
  const now = o.now ?? Date.now;
  let examination: number[] = [];
  let sinceEstimate = Number.POSITIVE_INFINITY;
  let lastEstimate = Number.NEGATIVE_INFINITY;
  let lastFull = Number.NEGATIVE_INFINITY;
  /**
   * Queries the store holds (so those no longer learned are removed), with a fingerprint of what
   * it holds for each: a rewrite leaves out what would not change, so the service, which catches
   * up by the queries each revision names, is not made to reload everything.
   */
  const published = new Map<string, string>();
  /** The revision this publisher wrote last: another one means someone else (`ranking learn`) wrote. */
  let written = -1;

  /** Writes the signals of `keys` that changed as one new revision (removing those no longer learned). */
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
    const changed: LearnedSignals = new Map();
    const prints = new Map<string, string>();
    let size = published.size - removed.length;
    for (const [k, learned] of signals) {
      const value = rounded(learned);
      const print = fingerprint(value);
      if (published.get(k) === print) continue;
      if (!published.has(k)) size++;
      changed.set(k, value);
      prints.set(k, print);
    }
    if (changed.size === 0 && removed.length === 0) return undefined;
    written = await o.learned.update(changed, removed, {
      learned_at: new Date(now()).toISOString(),
      as_of: new Date(state.maxTime).toISOString(),
      clicks: state.counters.events.click ?? 0,
      queries: size,
    });
    for (const k of removed) published.delete(k);
    for (const [k, print] of prints) published.set(k, print);
    return { queries: changed.size, removed: removed.length, full, examination };
  }

  return {
    get examination(): readonly number[] {
      return examination;
    },
    /** Starts from what the store holds (queries learned before a restart). */
    adopt(held: Map<string, unknown>): void {
      published.clear();
      // What they hold is not known: the first rewrite writes them all.
      for (const k of held.keys()) published.set(k, '');
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
        // The store was written by someone else (`ranking learn` replaces it whole): what it holds
        // is no longer known, so this rewrite writes every query.
        if ((await o.learned.revision()) !== written) for (const k of published.keys()) published.set(k, '');
        done = (await write(state, [...new Set([...published.keys(), ...state.clicks.keys()])], true)) ?? done;
        lastFull = now();
      }
      return done;
    },
  };
}
