// Compiling a set of suggestions into the arrays the index matches against: plain data (typed
// arrays and packed strings), so it can be built on a worker thread and handed over without a copy
// of the arrays. Phrases are numbered by rank: heavier first, then alphabetically.
import type { SuggestionEntry, SuggestionSource } from '../../../stores/suggestions.ts';
import { normalizeSuggestion } from '../normalize.ts';
import { minTreeOf } from './min-tree.ts';
import { type Packed, pack } from './packed-strings.ts';

export const SOURCES: readonly SuggestionSource[] = ['query', 'catalog'];

/** Entries as columns: cheap to gather chunk by chunk and to post to a worker. */
export interface SuggestionColumns {
  texts: Packed;
  weights: Float64Array;
  sources: Uint8Array;
}

/** Gathers entries into columns, chunk by chunk, without holding the entry objects. */
export class ColumnsBuilder {
  private readonly texts: string[] = [];
  private readonly weights: number[] = [];
  private readonly sources: number[] = [];
  get count(): number {
    return this.texts.length;
  }
  add(entries: Iterable<SuggestionEntry>): this {
    for (const e of entries) {
      this.texts.push(e.text);
      this.weights.push(e.weight);
      this.sources.push(SOURCES.indexOf(e.source));
    }
    return this;
  }
  build(): SuggestionColumns {
    return {
      texts: pack(this.texts),
      weights: Float64Array.from(this.weights),
      sources: Uint8Array.from(this.sources),
    };
  }
}

export const columnsOf = (entries: Iterable<SuggestionEntry>): SuggestionColumns =>
  new ColumnsBuilder().add(entries).build();

export interface CompiledSuggestions {
  /** By rank: the normalized phrase, and the shown text where it differs (empty: the same). */
  keys: Packed;
  texts: Packed;
  weights: Float64Array;
  sources: Uint8Array;
  /** Ranks in key order, and the min-tree over them. */
  byKey: Int32Array;
  keyTree: Int32Array;
  /** The distinct words, sorted. */
  words: Packed;
  /** Each rank's word ids: wordIds[wordStart[r]..wordStart[r+1]). */
  wordStart: Int32Array;
  wordIds: Int32Array;
  /** Each word's phrases, ascending by rank: byWord[occurrences[w]..occurrences[w+1]), and its min-tree. */
  occurrences: Int32Array;
  byWord: Int32Array;
  wordTree: Int32Array;
}

/** Everything of a compiled set that can be transferred to another thread instead of copied. */
export const transferables = (c: CompiledSuggestions): ArrayBuffer[] =>
  [
    c.keys.ends,
    c.texts.ends,
    c.weights,
    c.sources,
    c.byKey,
    c.keyTree,
    c.words.ends,
    c.wordStart,
    c.wordIds,
    c.occurrences,
    c.byWord,
    c.wordTree,
  ].map((a) => a.buffer as ArrayBuffer);

/** A later entry with the same normalized phrase replaces an earlier one. */
export function compileSuggestions(columns: SuggestionColumns): CompiledSuggestions {
  const { texts, weights, sources } = columns;
  const all = texts.ends.length;
  const textAt = (i: number) => texts.text.slice(i === 0 ? 0 : texts.ends[i - 1]!, texts.ends[i]!);
  const last = new Map<string, number>();
  for (let i = 0; i < all; i++) {
    const key = normalizeSuggestion(textAt(i));
    if (key) last.set(key, i);
  }
  const keys = [...last.keys()].sort();
  const source = keys.map((k) => last.get(k)!);
  last.clear();
  const n = keys.length;
  // Rank = weight descending, then key: weights replaced by their rank among distinct weights,
  // so one numeric sort of (weight rank, key position) orders everything.
  const distinct = [...new Set(source.map((i) => weights[i]!))].sort((a, b) => b - a);
  const weightRank = new Map(distinct.map((w, i) => [w, i]));
  const SPAN = 2 ** 24;
  if (n >= SPAN) throw new Error(`${n} suggestions: more than one index holds`);
  const order = Float64Array.from(source, (i, pos) => weightRank.get(weights[i]!)! * SPAN + pos).sort();
  const rankOfPos = new Int32Array(n);
  const posOfRank = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const pos = order[r]! % SPAN;
    rankOfPos[pos] = r;
    posOfRank[r] = pos;
  }
  const rankedKeys = Array.from(posOfRank, (pos) => keys[pos]!);
  const shown = Array.from(posOfRank, (pos) => {
    const t = textAt(source[pos]!);
    return t === keys[pos] ? '' : t;
  });

  // Words: a sorted dictionary, each phrase's word ids, and each word's phrases by rank.
  const ids = new Map<string, number>();
  for (const k of keys) for (const w of k.split(' ')) ids.set(w, 0);
  const dictionary = [...ids.keys()].sort();
  dictionary.forEach((w, i) => ids.set(w, i));
  const wordStart = new Int32Array(n + 1);
  const phraseWords: number[] = [];
  const occurrences = new Int32Array(dictionary.length + 1);
  for (let r = 0; r < n; r++) {
    const from = phraseWords.length;
    for (const w of rankedKeys[r]!.split(' ')) {
      const id = ids.get(w)!;
      if (phraseWords.indexOf(id, from) >= 0) continue;
      phraseWords.push(id);
      occurrences[id + 1]!++;
    }
    wordStart[r + 1] = phraseWords.length;
  }
  ids.clear();
  const wordIds = Int32Array.from(phraseWords);
  for (let i = 0; i < dictionary.length; i++) occurrences[i + 1]! += occurrences[i]!;
  // Filled in rank order, so each word's phrases are already ascending.
  const byWord = new Int32Array(wordIds.length);
  const fill = occurrences.slice(0, dictionary.length);
  for (let r = 0; r < n; r++) for (let j = wordStart[r]!; j < wordStart[r + 1]!; j++) byWord[fill[wordIds[j]!]!++] = r;

  return {
    keys: pack(rankedKeys),
    texts: pack(shown),
    weights: Float64Array.from(posOfRank, (pos) => weights[source[pos]!]!),
    sources: Uint8Array.from(posOfRank, (pos) => sources[source[pos]!]!),
    byKey: rankOfPos,
    keyTree: minTreeOf(rankOfPos),
    words: pack(dictionary),
    wordStart,
    wordIds,
    occurrences,
    byWord,
    wordTree: minTreeOf(byWord),
  };
}
