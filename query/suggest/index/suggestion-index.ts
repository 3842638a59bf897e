// One published set of suggestions, compiled for matching in memory at keystroke rate. Suggestions
// are numbered by rank (heavier first, then alphabetically), so "the best k that match" is "the k
// smallest ranks that match": every way of matching reads ranks in ascending order from a sorted
// array and stops at k. Three strict tiers, as the Elasticsearch suggestion index had them:
//   starts  the phrase starts as typed (a trailing space: the last word is complete);
//   inside  from 3 typed characters, every typed word is a word of the phrase, the last one
//           completed (any order: "arkham batman" finds "batman arkham city");
//   typo    from 4 characters, every typed word starts a word of the phrase within one edit.
// Case and accents never matter (phrases and typed text are cut by the same `words`). The index is
// immutable: a new version or a delta makes a new one, so a reader never sees a half-applied change.
import { words } from '../../../common/words.ts';
import type { SuggestionEntry, SuggestionSource } from '../../../stores/suggestions.ts';
import { MAX_FUZZY_WORDS, MAX_QUERY_WORDS } from '../../search/text-limits.ts';
import { typedPrefix } from '../normalize.ts';
import { type CompiledSuggestions, columnsOf, compileSuggestions, SOURCES } from './compile.ts';
import { endOfPrefix, fuzzyPrefixRanges, lowerBound } from './fuzzy-words.ts';
import { MinTree } from './min-tree.ts';
import { PackedStrings } from './packed-strings.ts';

export type MatchTier = 'starts' | 'inside' | 'typo';

export interface MatchedSuggestion {
  text: string;
  /** The normalized phrase (what a delta names it by). */
  key: string;
  weight: number;
  source: SuggestionSource;
  tier: MatchTier;
}

export interface SuggestionIndex {
  readonly size: number;
  /** Bytes held: typed arrays exactly, strings at two bytes a character. */
  readonly bytes: number;
  has(key: string): boolean;
  /** The best `k` for what was typed, tier by tier; keys in `hidden` are passed over. */
  match(typed: string, k: number, hidden?: ReadonlySet<string>): MatchedSuggestion[];
}

/**
 * Most candidates one tier examines for one request, kept or not: a multi-word query whose words are
 * each common but never together ("e t a o i") would otherwise walk a whole posting list (112 ms at
 * 2 million phrases). Past it the tier returns what it found.
 */
const MAX_EXAMINED = 2000;

/** Ranks from `ranks` that pass `keep`, reading at most MAX_EXAMINED of them. */
function* filtered(ranks: Iterable<number>, keep: (r: number) => boolean): Generator<number> {
  let examined = 0;
  for (const r of ranks) {
    if (++examined > MAX_EXAMINED) return;
    if (keep(r)) yield r;
  }
}

/** Compiles entries on this thread (tests, eval, small sets); a later entry with the same phrase wins. */
export const buildSuggestionIndex = (entries: Iterable<SuggestionEntry>): SuggestionIndex =>
  indexOf(compileSuggestions(columnsOf(entries)));

/** In `ranges` (ascending, disjoint), whether one holds `id`. */
function inRanges(id: number, ranges: readonly (readonly [number, number])[]): boolean {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]![1] <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo < ranges.length && ranges[lo]![0] <= id;
}

/** The index over compiled arrays (cheap: nothing is rebuilt). */
export function indexOf(c: CompiledSuggestions): SuggestionIndex {
  const keys = new PackedStrings(c.keys);
  const texts = new PackedStrings(c.texts);
  const dictionary = new PackedStrings(c.words);
  const { weights, sources, byKey, wordStart, wordIds, occurrences } = c;
  const n = keys.length;
  const keyTree = new MinTree(c.keyTree);
  const wordTree = new MinTree(c.wordTree);
  const bytes =
    keys.bytes +
    texts.bytes +
    dictionary.bytes +
    [weights, sources, byKey, c.keyTree, wordStart, wordIds, occurrences, c.byWord, c.wordTree].reduce(
      (sum, a) => sum + a.byteLength,
      0,
    );

  const keyAt = (pos: number) => keys.at(byKey[pos]!)!;
  /** The first position in key order whose key is >= `s`. */
  const keyBound = (s: string) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keyAt(mid) < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const hasWordIn = (r: number, ranges: readonly (readonly [number, number])[]) => {
    for (let j = wordStart[r]!; j < wordStart[r + 1]!; j++) if (inRanges(wordIds[j]!, ranges)) return true;
    return false;
  };
  const wordRange = (prefix: string): [number, number] => {
    const lo = lowerBound(dictionary, prefix, 0, dictionary.length);
    return [lo, endOfPrefix(dictionary, prefix, lo, dictionary.length)];
  };
  const occurrencesOf = ([a, b]: readonly [number, number]): [number, number] => [occurrences[a]!, occurrences[b]!];
  const sizeOf = (ranges: readonly (readonly [number, number])[]) =>
    ranges.reduce((s, [a, b]) => s + occurrences[b]! - occurrences[a]!, 0);

  /** Phrases starting with `prefix`, best first. */
  function* starting(prefix: string): Generator<number> {
    const lo = keyBound(prefix);
    let end = n;
    for (let a = lo; a < end; ) {
      const mid = (a + end) >> 1;
      if (keyAt(mid).startsWith(prefix)) a = mid + 1;
      else end = mid;
    }
    yield* keyTree.ascending([[lo, end]]);
  }

  /** Phrases holding every typed word, the last one completed; the shortest list drives, the rest filter. */
  function* inside(typed: string[]): Generator<number> {
    const last = wordRange(typed.at(-1)!);
    const exact = typed.slice(0, -1).map((w) => {
      const i = lowerBound(dictionary, w, 0, dictionary.length);
      return dictionary.at(i) === w ? ([i, i + 1] as const) : undefined;
    });
    if (last[0] === last[1] || exact.some((r) => r === undefined)) return;
    const all = [...(exact as (readonly [number, number])[]), last];
    const driver = all.reduce((best, r) => (sizeOf([r]) < sizeOf([best]) ? r : best));
    yield* filtered(wordTree.ascending([occurrencesOf(driver)]), (r) => all.every((w) => hasWordIn(r, [w])));
  }

  /** Phrases where every typed word starts a word within one edit. */
  function* typo(typed: string[]): Generator<number> {
    const near = typed.map((w) => fuzzyPrefixRanges(dictionary, w));
    if (near.some((r) => r.length === 0)) return;
    const driver = near.reduce((best, r) => (sizeOf(r) < sizeOf(best) ? r : best));
    yield* filtered(wordTree.ascending(driver.map(occurrencesOf)), (r) => near.every((w) => hasWordIn(r, w)));
  }

  return {
    size: n,
    bytes,
    has: (key) => keyBound(key) < n && keyAt(keyBound(key)) === key,
    match(typed, k, hidden) {
      const out: MatchedSuggestion[] = [];
      const taken = new Set<number>();
      const collect = (ranks: Iterable<number>, tier: MatchTier) => {
        let examined = 0;
        for (const r of ranks) {
          if (out.length >= k || ++examined > MAX_EXAMINED) return;
          if (taken.has(r)) continue;
          const key = keys.at(r)!;
          if (hidden?.has(key)) continue;
          taken.add(r);
          const text = texts.at(r)!;
          out.push({ text: text || key, key, weight: weights[r]!, source: SOURCES[sources[r]!]!, tier });
        }
      };
      const prefix = typedPrefix(typed);
      if (!prefix || k <= 0) return out;
      collect(starting(prefix), 'starts');
      // One or two characters say too little to look inside phrases; a typo needs four.
      const typedChars = typed.replace(/\s/g, '').length;
      // The words being typed (the last) and the ones before it, as many as a search reads; typos
      // only for as many words as search tolerates them (each costs a walk of the dictionary).
      const typedWords = words(typed).slice(-MAX_QUERY_WORDS);
      if (typedChars >= 3 && out.length < k) collect(inside(typedWords), 'inside');
      if (typedChars >= 4 && out.length < k && typedWords.length <= MAX_FUZZY_WORDS) collect(typo(typedWords), 'typo');
      return out;
    },
  };
}
