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
import { normalizeSuggestion, typedPrefix } from '../normalize.ts';
import { endOfPrefix, fuzzyPrefixRanges, lowerBound } from './fuzzy-words.ts';
import { MinTree } from './min-tree.ts';

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
  /** Estimated bytes held: typed arrays exactly, strings at two bytes a character plus a header. */
  readonly bytes: number;
  has(key: string): boolean;
  /** The best `k` for what was typed, tier by tier; keys in `hidden` are passed over. */
  match(typed: string, k: number, hidden?: ReadonlySet<string>): MatchedSuggestion[];
}

/**
 * Most candidates one tier examines for one request: a multi-word query whose words are each common
 * but rarely together could otherwise walk a long list. Past it the tier returns what it found.
 */
const MAX_EXAMINED = 20000;
const STRING_HEADER_BYTES = 16;
const SOURCES: readonly SuggestionSource[] = ['query', 'catalog'];

const byRank = (a: { key: string; weight: number }, b: { key: string; weight: number }) =>
  b.weight - a.weight || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Compiles entries (a later entry with the same normalized phrase replaces an earlier one). */
export function buildSuggestionIndex(entries: Iterable<SuggestionEntry>): SuggestionIndex {
  const unique = new Map<string, SuggestionEntry & { key: string }>();
  for (const e of entries) {
    const key = normalizeSuggestion(e.text);
    if (key) unique.set(key, { ...e, key });
  }
  const ranked = [...unique.values()].sort(byRank);
  unique.clear();
  const n = ranked.length;
  const keys = ranked.map((e) => e.key);
  // The shown text is the key itself unless the phrase was logged in another form.
  const texts = ranked.map((e) => (e.text === e.key ? e.key : e.text));
  const weights = Float64Array.from(ranked, (e) => e.weight);
  const sources = Uint8Array.from(ranked, (e) => SOURCES.indexOf(e.source));
  ranked.length = 0;

  const byKey = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0,
  );

  // Words: a sorted dictionary, each phrase's word ids, and each word's phrases by rank.
  const ids = new Map<string, number>();
  for (const k of keys) for (const w of k.split(' ')) ids.set(w, 0);
  const dictionary = [...ids.keys()].sort();
  dictionary.forEach((w, i) => ids.set(w, i));
  const wordStart = new Int32Array(n + 1);
  const phraseWords: number[] = [];
  const occurrences = new Int32Array(dictionary.length + 1);
  for (let r = 0; r < n; r++) {
    const own = new Set(keys[r]!.split(' ').map((w) => ids.get(w)!));
    for (const id of own) {
      phraseWords.push(id);
      occurrences[id + 1]!++;
    }
    wordStart[r + 1] = phraseWords.length;
  }
  ids.clear();
  const wordIds = Int32Array.from(phraseWords);
  phraseWords.length = 0;
  for (let i = 0; i < dictionary.length; i++) occurrences[i + 1]! += occurrences[i]!;
  // Filled in rank order, so each word's phrases are already ascending.
  const byWord = new Int32Array(wordIds.length);
  const fill = occurrences.slice(0, dictionary.length);
  for (let r = 0; r < n; r++) for (let j = wordStart[r]!; j < wordStart[r + 1]!; j++) byWord[fill[wordIds[j]!]!++] = r;

  const keyTree = new MinTree(byKey);
  const wordTree = new MinTree(byWord);
  const strings = (xs: readonly string[]) => xs.reduce((s, x) => s + STRING_HEADER_BYTES + 2 * x.length, 0);
  const bytes =
    8 * n * 2 + // the two arrays of references
    strings(keys) +
    texts.reduce((s, t, i) => s + (t === keys[i] ? 0 : STRING_HEADER_BYTES + 2 * t.length), 0) +
    strings(dictionary) +
    8 * dictionary.length +
    weights.byteLength +
    sources.byteLength +
    byKey.byteLength +
    keyTree.bytes +
    wordStart.byteLength +
    wordIds.byteLength +
    occurrences.byteLength +
    byWord.byteLength +
    wordTree.bytes;

  const hasWordIn = (r: number, ranges: readonly (readonly [number, number])[]) => {
    for (let j = wordStart[r]!; j < wordStart[r + 1]!; j++) {
      const id = wordIds[j]!;
      for (const [a, b] of ranges) if (id >= a && id < b) return true;
    }
    return false;
  };
  const wordRange = (prefix: string): [number, number] => {
    const lo = lowerBound(dictionary, prefix, 0, dictionary.length);
    return [lo, endOfPrefix(dictionary, prefix, lo, dictionary.length)];
  };
  const occurrencesOf = ([a, b]: readonly [number, number]): [number, number] => [occurrences[a]!, occurrences[b]!];
  const sizeOf = (ranges: readonly (readonly [number, number])[]) =>
    ranges.reduce((s, [a, b]) => s + occurrences[b]! - occurrences[a]!, 0);

  /** The first position in key order whose key is >= `s`. */
  const keyBound = (s: string) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[byKey[mid]!]! < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  /** Phrases starting with `prefix`, best first. */
  function* starting(prefix: string): Generator<number> {
    const lo = keyBound(prefix);
    let end = n;
    for (let a = lo; a < end; ) {
      const mid = (a + end) >> 1;
      if (keys[byKey[mid]!]!.startsWith(prefix)) a = mid + 1;
      else end = mid;
    }
    yield* keyTree.ascending([[lo, end]]);
  }

  /** Phrases holding every typed word, the last one completed; the shortest list drives, the rest filter. */
  function* inside(typed: string[]): Generator<number> {
    const last = wordRange(typed.at(-1)!);
    const exact = typed.slice(0, -1).map((w) => {
      const i = lowerBound(dictionary, w, 0, dictionary.length);
      return dictionary[i] === w ? ([i, i + 1] as const) : undefined;
    });
    if (last[0] === last[1] || exact.some((r) => r === undefined)) return;
    const all = [...(exact as (readonly [number, number])[]), last];
    const driver = all.reduce((best, r) => (sizeOf([r]) < sizeOf([best]) ? r : best));
    for (const r of wordTree.ascending([occurrencesOf(driver)])) if (all.every((w) => hasWordIn(r, [w]))) yield r;
  }

  /** Phrases where every typed word starts a word within one edit. */
  function* typo(typed: string[]): Generator<number> {
    const near = typed.map((w) => fuzzyPrefixRanges(dictionary, w));
    if (near.some((r) => r.length === 0)) return;
    const driver = near.reduce((best, r) => (sizeOf(r) < sizeOf(best) ? r : best));
    for (const r of wordTree.ascending(driver.map(occurrencesOf))) if (near.every((w) => hasWordIn(r, w))) yield r;
  }

  return {
    size: n,
    bytes,
    has: (key) => keys[byKey[keyBound(key)]!] === key,
    match(typed, k, hidden) {
      const out: MatchedSuggestion[] = [];
      const taken = new Set<number>();
      const collect = (ranks: Iterable<number>, tier: MatchTier) => {
        let examined = 0;
        for (const r of ranks) {
          if (out.length >= k || ++examined > MAX_EXAMINED) return;
          if (taken.has(r) || hidden?.has(keys[r]!)) continue;
          taken.add(r);
          out.push({ text: texts[r]!, key: keys[r]!, weight: weights[r]!, source: SOURCES[sources[r]!]!, tier });
        }
      };
      const prefix = typedPrefix(typed);
      if (!prefix || k <= 0) return out;
      collect(starting(prefix), 'starts');
      // One or two characters say too little to look inside phrases; a typo needs four.
      const typedChars = typed.replace(/\s/g, '').length;
      const typedWords = words(typed);
      if (typedChars >= 3 && out.length < k) collect(inside(typedWords), 'inside');
      if (typedChars >= 4 && out.length < k) collect(typo(typedWords), 'typo');
      return out;
    },
  };
}
