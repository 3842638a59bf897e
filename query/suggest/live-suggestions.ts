// The suggestions this instance serves: the current published version, held in memory. Every
// `refreshMs` it asks the store for the current version and its delta count (one round trip);
// new deltas are applied, a new version is loaded whole (snapshot, then its deltas). Either way the
// result is a new immutable view, swapped in with one assignment, so a keystroke always matches
// against one version with a whole number of deltas applied, never a mix.
//
// A view is the compiled snapshot plus an overlay: the entries deltas changed, compiled on their own
// and merged at match time (the snapshot's entries with those phrases are passed over). Deltas are
// bounded per version by the store, so recompiling the overlay stays small; a new snapshot folds
// them. Compiling happens on a worker thread: the serving thread only gathers and swaps.
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../common/logger.ts';
import type { SuggestionDelta, SuggestionEntry, SuggestionStore } from '../../stores/suggestions.ts';
import { ColumnsBuilder, columnsOf } from './index/compile.ts';
import { type SuggestionCompiler, workerCompiler } from './index/compiler.ts';
import { indexOf, type MatchedSuggestion, type SuggestionIndex } from './index/suggestion-index.ts';
import { normalizeSuggestion } from './normalize.ts';

export interface SuggestionView {
  /** The published version, or 'none' when nothing was ever published. */
  version: string;
  /** Deltas applied on top of the version's snapshot. */
  deltas: number;
  size: number;
  /** Estimated bytes held by this view. */
  bytes: number;
  match(typed: string, k: number): MatchedSuggestion[];
}

export interface LiveSuggestions {
  /** The view in force, or undefined while none could be loaded yet (the store unreachable since start). */
  current(): SuggestionView | undefined;
  /** Checks the store now and loads what is new; resolves when done (errors are logged, the old view stays). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

export interface LiveSuggestionOptions {
  refreshMs: number;
  /** A version with more entries is not loaded (the old one stays in force). */
  maxEntries: number;
  log: Logger;
  registry: Registry;
  /** Where sets are compiled; a worker thread unless given. */
  compiler?: SuggestionCompiler;
}

/** Loads of one version that fail are retried this many times, then left until the pointer moves. */
const MAX_ATTEMPTS = 3;
const TIER_ORDER = { starts: 0, inside: 1, typo: 2 } as const;

const before = (a: MatchedSuggestion, b: MatchedSuggestion) =>
  TIER_ORDER[a.tier] - TIER_ORDER[b.tier] || b.weight - a.weight || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The snapshot with the overlay of changed phrases (null: removed) on top; `changed` holds the overlay's entries. */
export function viewOf(
  version: string,
  deltas: number,
  base: SuggestionIndex,
  overlay: ReadonlyMap<string, SuggestionEntry | null>,
  changed: SuggestionIndex,
): SuggestionView {
  const hidden = new Set(overlay.keys());
  return {
    version,
    deltas,
    size: base.size - [...hidden].filter((key) => base.has(key)).length + changed.size,
    bytes: base.bytes + changed.bytes,
    match:
      overlay.size === 0
        ? (typed, k) => base.match(typed, k)
        : (typed, k) => [...base.match(typed, k, hidden), ...changed.match(typed, k)].sort(before).slice(0, k),
  };
}

/** The entries an overlay holds (its removals are not entries). */
export const overlayEntries = (overlay: ReadonlyMap<string, SuggestionEntry | null>): SuggestionEntry[] =>
  [...overlay.values()].filter((e): e is SuggestionEntry => e !== null);

/** The overlay after `deltas`, in order (a copy: the view in force keeps its own). */
export function applyDeltas(
  overlay: ReadonlyMap<string, SuggestionEntry | null>,
  deltas: readonly SuggestionDelta[],
): Map<string, SuggestionEntry | null> {
  const next = new Map(overlay);
  for (const d of deltas) {
    for (const e of d.upserts ?? []) next.set(normalizeSuggestion(e.text), e);
    for (const r of d.removals ?? []) next.set(normalizeSuggestion(r), null);
  }
  return next;
}

const NOTHING: SuggestionView = { version: 'none', deltas: 0, size: 0, bytes: 0, match: () => [] };

export function liveSuggestions(store: SuggestionStore, o: LiveSuggestionOptions): LiveSuggestions {
  const compiler = o.compiler ?? workerCompiler();
  const compile = async (columns: ReturnType<typeof columnsOf>) => indexOf(await compiler.compile(columns));
  let view: SuggestionView | undefined;
  let base: SuggestionIndex | undefined;
  let overlay = new Map<string, SuggestionEntry | null>();
  const attempts = new Map<string, number>();
  let inflight: Promise<void> | undefined;

  const gauge = (name: string, help: string, value: () => number) =>
    new Gauge({
      name,
      help,
      registers: [o.registry],
      collect() {
        this.set(value());
      },
    });
  gauge('shop_suggestions_entries', 'Suggestions held in memory', () => view?.size ?? 0);
  gauge('shop_suggestions_memory_bytes', 'Estimated bytes of the suggestions held in memory', () => view?.bytes ?? 0);
  gauge('shop_suggestions_deltas', 'Deltas applied on top of the held version', () => view?.deltas ?? 0);

  async function load(version: string): Promise<void> {
    const t0 = performance.now();
    const columns = new ColumnsBuilder();
    for await (const chunk of store.snapshot(version)) {
      if (columns.count + chunk.length > o.maxEntries)
        throw new Error(`version ${version} holds more than ${o.maxEntries} suggestions (SHOP_SUGGEST_MAX_ENTRIES)`);
      columns.add(chunk);
    }
    const deltas = await store.deltas(version, 0);
    const index = await compile(columns.build());
    const next = applyDeltas(new Map(), deltas);
    view = viewOf(version, deltas.length, index, next, await compile(columnsOf(overlayEntries(next))));
    base = index;
    overlay = next;
    o.log.info(
      {
        version,
        entries: view.size,
        deltas: deltas.length,
        mb: Math.round(view.bytes / 2 ** 20),
        ms: Math.round(performance.now() - t0),
      },
      'suggestions loaded',
    );
  }

  async function check(): Promise<void> {
    try {
      const head = await store.head(view?.version);
      if (!head) {
        view ??= NOTHING;
        return;
      }
      if (head.version !== view?.version || !base) {
        if ((attempts.get(head.version) ?? 0) >= MAX_ATTEMPTS) return;
        try {
          await load(head.version);
          attempts.clear();
        } catch (err) {
          attempts.set(head.version, (attempts.get(head.version) ?? 0) + 1);
          throw err;
        }
      } else if (head.deltas > view.deltas) {
        const deltas = await store.deltas(head.version, view.deltas);
        const next = applyDeltas(overlay, deltas);
        const changed = await compile(columnsOf(overlayEntries(next)));
        view = viewOf(head.version, view.deltas + deltas.length, base, next, changed);
        overlay = next;
      }
    } catch (err) {
      o.log.warn({ err: (err as Error).message }, 'suggestions not refreshed; the held version stays in force');
    }
  }

  const refresh = () => {
    inflight ??= check().finally(() => (inflight = undefined));
    return inflight;
  };
  const timer = setInterval(() => void refresh(), o.refreshMs);
  timer.unref();
  return {
    current: () => view,
    refresh,
    async stop() {
      clearInterval(timer);
      await compiler.stop();
    },
  };
}
