// Everything the learner knows, folded from impressions and shopper events, and nothing else: the
// published outputs are derived from it, and it is checkpointed whole with the offsets it covers,
// so a restart resumes exactly where the checkpoint was taken (no event counted twice, none lost).
import type { Impression } from '../events/impression.ts';
import { eventTime, type RecordedEvent } from '../events/shopper-event.ts';
import { ClickStats, type ClickStatsData } from '../ranking/learn/click-stats.ts';
import { halfLifeDays } from '../ranking/learn/decay.ts';
import { learnedKey } from '../ranking/learn/learned.ts';
import { positionBucket } from '../ranking/learn/position-bias.ts';
import { Exposures } from './exposures.ts';
import { defaultRailLimits, RailSignals, type RailSignalsData } from './rail-signals.ts';
import {
  defaultSuggestionWeights,
  SuggestionSignals,
  type SuggestionSignalsData,
  type SuggestionWeights,
} from './suggestion-signals.ts';
import { Windowed } from './windowed.ts';

export interface LearnerLimits {
  /** Queries whose clicks are kept (the most clicked). */
  maxQueries: number;
  /** (query, product, position) exposures kept for the position-bias model. */
  maxExposures: number;
  /** How long an impression waits for clicks, and a click for its impression. */
  impressionWindowMs: number;
  maxImpressions: number;
  /** How long an event id is remembered to drop duplicates. */
  dedupeWindowMs: number;
  maxEventIds: number;
  halfLifeDays: number;
  /** Shoppers a query needs before it is suggested (or each of its words, or the catalog's vocabulary). */
  suggestMinUsers: number;
  suggestionWeights?: SuggestionWeights;
}

/** What a click needs of the answer it came from (its position comes with the click). */
interface Shown {
  kind: Impression['kind'];
  /** The query as typed, and its learned key, for searches. */
  query?: string;
  key?: string;
  /** A click on it was already counted for its query's suggestion. */
  clicked?: boolean;
}

interface PendingClick {
  queryId: string;
  product: string;
  /** Undefined when the shop could not tell. */
  position?: number;
  time: number;
}

export interface Counters {
  impressions: number;
  events: Record<string, number>;
  duplicates: number;
  /** Clicks whose answer was never seen (outside the window, or not an answer of this service). */
  unattributed: number;
}

export interface LearnerSnapshot {
  format: 1;
  offsets: Record<string, string>;
  clocks: Record<string, number>;
  maxTime: number;
  clicks: ClickStatsData;
  exposures: ReturnType<Exposures['toJSON']>;
  shown: ReturnType<Windowed<Shown>['toJSON']>;
  pending: ReturnType<Windowed<PendingClick[]>['toJSON']>;
  eventIds: ReturnType<Windowed<true>['toJSON']>;
  rails: RailSignalsData;
  suggestions: SuggestionSignalsData;
  counters: Counters;
}

/** Products per impression counted as shown (the position-bias model looks at the top). */
const SHOWN_COUNTED = 100;

export class LearnerState {
  /** Next offset to read, per "topic/partition". */
  readonly offsets: Record<string, string>;
  /** The latest event time read from each "topic/partition". */
  private readonly clocks: Record<string, number>;
  /** Partitions with messages still to read: they hold the watermark back (see tick). */
  private readonly unread = new Set<string>();
  /** The latest event time seen: the time decay is read at (replays run in their own time). */
  maxTime: number;
  readonly clicks: ClickStats;
  readonly exposures: Exposures;
  private readonly shown: Windowed<Shown>;
  private readonly pending: Windowed<PendingClick[]>;
  private readonly eventIds: Windowed<true>;
  /** Trending, bought together, customers' recent items. */
  readonly rails: RailSignals;
  /** How popular each query is as a suggestion. */
  readonly suggestions: SuggestionSignals;
  readonly counters: Counters;

  constructor(
    readonly limits: LearnerLimits,
    s?: LearnerSnapshot,
  ) {
    this.offsets = { ...(s?.offsets ?? {}) };
    this.clocks = { ...(s?.clocks ?? {}) };
    this.maxTime = s?.maxTime ?? 0;
    this.clicks = new ClickStats(halfLifeDays(limits.halfLifeDays), s?.clicks);
    this.exposures = new Exposures(limits.maxExposures, s?.exposures);
    this.shown = new Windowed(limits.impressionWindowMs, limits.maxImpressions, s?.shown);
    this.pending = new Windowed(limits.impressionWindowMs, limits.maxImpressions, s?.pending);
    this.eventIds = new Windowed(limits.dedupeWindowMs, limits.maxEventIds, s?.eventIds);
    this.rails = new RailSignals(defaultRailLimits, s?.rails);
    this.suggestions = new SuggestionSignals(
      { minUsers: limits.suggestMinUsers, maxQueries: limits.maxQueries, maxSeen: limits.maxEventIds },
      s?.suggestions,
    );
    this.counters = s?.counters ?? { impressions: 0, events: {}, duplicates: 0, unattributed: 0 };
  }

  /** True when this message was already folded in (a replay after a restart): it is skipped. */
  seen(topic: string, partition: number, offset: string): boolean {
    const next = this.offsets[`${topic}/${partition}`];
    return next !== undefined && BigInt(offset) < BigInt(next);
  }

  /** Marks a message as folded in. */
  advance(topic: string, partition: number, offset: string): void {
    this.offsets[`${topic}/${partition}`] = (BigInt(offset) + 1n).toString();
  }

  /** Says whether a partition has messages left to read (known from its end offset). */
  setUnread(source: string, unread: boolean): void {
    if (unread) this.unread.add(source);
    else this.unread.delete(source);
  }

  /**
   * Windows expire by the watermark: the earliest clock of the partitions that still have messages
   * to read (the latest time seen once all are read). So when one topic is read ahead of the other
   * an impression and its clicks still meet, and what is attributed does not depend on the order
   * partitions happened to be read in: a replay after a restart gets the same result.
   */
  private watermark(): number {
    if (this.unread.size === 0) return this.maxTime;
    let w = Number.POSITIVE_INFINITY;
    for (const source of this.unread) w = Math.min(w, this.clocks[source] ?? Number.NEGATIVE_INFINITY);
    return w;
  }

  private tick(source: string, at: number): void {
    if ((this.clocks[source] ?? Number.NEGATIVE_INFINITY) < at) this.clocks[source] = at;
    if (at > this.maxTime) this.maxTime = at;
    const watermark = this.watermark();
    this.shown.expire(watermark);
    this.eventIds.expire(watermark);
    this.counters.unattributed += this.pending.expire(watermark).reduce((n, clicks) => n + clicks.length, 0);
  }

  impression(i: Impression, source: string): void {
    const at = Date.parse(i.ts);
    if (!Number.isFinite(at)) return;
    this.counters.impressions++;
    const key = i.kind === 'search' && i.query ? learnedKey(i.query) : undefined;
    const offset = i.offset ?? 0;
    const shown: Shown = { kind: i.kind, ...(key ? { query: i.query, key } : {}) };
    if (key && i.query && offset === 0)
      this.suggestions.searched(
        i.query,
        i.user ?? i.session ?? i.query_id,
        i.total ?? 0,
        at,
        this.limits.suggestionWeights ?? defaultSuggestionWeights,
      );
    this.shown.set(i.query_id, shown, at);
    if (key)
      i.ids.slice(0, SHOWN_COUNTED).forEach((id, k) => this.exposures.shown(key, id, positionBucket(offset + k + 1)));
    const waiting = this.pending.get(i.query_id);
    if (waiting) {
      this.pending.delete(i.query_id);
      for (const c of waiting) this.attribute(shown, c);
    }
    this.tick(source, at);
  }

  event(e: RecordedEvent, source: string): void {
    const at = eventTime(e);
    if (this.eventIds.has(e.event_id)) {
      this.counters.duplicates++;
      this.tick(source, at);
      return;
    }
    this.eventIds.set(e.event_id, true, at);
    this.counters.events[e.type] = (this.counters.events[e.type] ?? 0) + 1;
    this.rails.event(e, at);
    if (e.type === 'click') {
      const click: PendingClick = {
        queryId: e.query_id,
        product: e.product,
        time: at,
        ...(e.position !== undefined ? { position: e.position } : {}),
      };
      const shown = this.shown.get(e.query_id);
      if (shown) this.attribute(shown, click);
      else this.pending.set(e.query_id, [...(this.pending.get(e.query_id) ?? []), click], at);
    } else if (e.type === 'suggestion_click') this.suggestions.chosen(e.text);
    this.tick(source, at);
  }

  private attribute(shown: Shown, c: PendingClick): void {
    if (!shown.query || !shown.key) return;
    if (!shown.clicked) this.suggestions.clicked(shown.query);
    shown.clicked = true;
    const bucket = positionBucket(c.position);
    this.clicks.add(shown.query, c.product, c.time, bucket);
    this.exposures.clicked(shown.key, c.product, bucket);
  }

  /** Keeps the state within its limits (the most clicked queries); returns the queries dropped. */
  prune(): string[] {
    return this.clicks.prune(this.limits.maxQueries, this.maxTime);
  }

  snapshot(): LearnerSnapshot {
    return {
      format: 1,
      offsets: { ...this.offsets },
      clocks: { ...this.clocks },
      maxTime: this.maxTime,
      clicks: this.clicks.toJSON(),
      exposures: this.exposures.toJSON(),
      shown: this.shown.toJSON(),
      pending: this.pending.toJSON(),
      eventIds: this.eventIds.toJSON(),
      rails: this.rails.toJSON(),
      suggestions: this.suggestions.toJSON(),
      counters: structuredClone(this.counters),
    };
  }
}
