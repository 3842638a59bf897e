// "Did you mean": corrections from the words of the catalog (and, when given, the query log),
// weighted by how often they occur. Words one edit away are found by trying every edit of the
// typed word (Norvig's corrector; natural's Spellcheck does the same but removes duplicate edits
// in quadratic time, 7 ms for a 14-letter word); for longer words a bounded scan with natural's
// Damerau-Levenshtein finds those two edits away. Every typed word costs a bounded amount
// whatever it is: a junk word compares at most MAX_COMPARED vocabulary words, most of them
// rejected by letter counts before the distance is computed.
// Only the natural module used is imported: its package root loads dotenv, which reads any .env.
import { createRequire } from 'node:module';
import type { DamerauLevenshteinDistance as DistanceFn } from 'natural/lib/natural/distance/index.js';
import { words } from '../../common/words.ts';
import { correctable, MAX_QUERY_WORDS } from './text-limits.ts';

const require = createRequire(import.meta.url);
const { DamerauLevenshteinDistance } = require('natural/lib/natural/distance/levenshtein_distance.js') as {
  DamerauLevenshteinDistance: typeof DistanceFn;
};

/** Vocabulary words a two-edit search compares per typed word at most (the most frequent first). */
export const MAX_COMPARED = 1500;
/** Typed words per query that get a two-edit search: a query of many unknown words is not a typo. */
const MAX_TWO_EDIT_WORDS = 3;
const LETTERS = 26;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/** Every string one edit (delete, transpose, replace, insert a–z) away from `word`. */
function editsOne(word: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (tail) out.add(head + tail.slice(1));
    if (tail.length > 1) out.add(head + tail[1] + tail[0] + tail.slice(2));
    for (const c of ALPHABET) {
      if (tail) out.add(head + c + tail.slice(1));
      out.add(head + c + tail);
    }
  }
  out.delete(word);
  return out;
}

/** Per-letter counts of a word (a–z only), for a cheap lower bound on the edit distance. */
function letterCounts(word: string, into: Int16Array): Int16Array {
  into.fill(0);
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) - 97;
    if (c >= 0 && c < LETTERS) into[c]!++;
  }
  return into;
}

/**
 * At most the edit distance (an edit adds, removes or changes one letter, a transposition
 * none): the larger of the letters one word has beyond the other, each way.
 */
function bagDistance(a: Int16Array, b: Int16Array): number {
  let more = 0;
  let less = 0;
  for (let i = 0; i < LETTERS; i++) {
    const d = a[i]! - b[i]!;
    if (d > 0) more += d;
    else less -= d;
  }
  return Math.max(more, less);
}

export class Vocabulary {
  private readonly counts = new Map<string, number>();
  private indexed = false;
  /** Words by first letter and length, the most frequent first. */
  private byShape = new Map<string, string[]>();
  private readonly typed = new Int16Array(LETTERS);
  private readonly other = new Int16Array(LETTERS);

  add(text: string, weight = 1): void {
    for (const w of words(text)) this.counts.set(w, (this.counts.get(w) ?? 0) + weight);
    this.indexed = false;
  }

  get size(): number {
    return this.counts.size;
  }

  /** Builds the lookup structures (linear in the words); the first correction does it otherwise. */
  prepare(): void {
    this.ensureIndex();
  }

  private ensureIndex(): void {
    if (this.indexed) return;
    this.byShape = new Map();
    for (const w of this.counts.keys()) {
      const key = `${w[0]}${w.length}`;
      const list = this.byShape.get(key);
      if (list) list.push(w);
      else this.byShape.set(key, [w]);
    }
    for (const list of this.byShape.values()) list.sort((a, b) => this.counts.get(b)! - this.counts.get(a)!);
    this.indexed = true;
  }

  /** The correction of one word; a two-edit search spends one of `budget.twoEditWords`. */
  private correct(word: string, budget: { twoEditWords: number }): string | undefined {
    this.ensureIndex();
    if (!correctable(word) || this.counts.has(word) || /^\d+$/.test(word) || word.length < 3) return undefined;
    let one: string | undefined;
    for (const c of editsOne(word))
      if (this.counts.has(c) && (one === undefined || this.counts.get(c)! > this.counts.get(one)!)) one = c;
    if (one !== undefined) return one;
    if (word.length < 5 || budget.twoEditWords-- <= 0) return undefined;
    // Words two edits away share the first letter here and differ in length by two at most; each
    // length's words are compared most frequent first, so the first within two edits is that
    // length's best, and at most MAX_COMPARED are compared in all.
    let best: string | undefined;
    let bestCount = 0;
    let compared = MAX_COMPARED;
    const typed = letterCounts(word, this.typed);
    for (let length = word.length - 2; length <= word.length + 2 && compared > 0; length++)
      for (const candidate of this.byShape.get(`${word[0]}${length}`) ?? []) {
        const count = this.counts.get(candidate)!;
        if (count <= bestCount || compared-- <= 0) break;
        if (bagDistance(typed, letterCounts(candidate, this.other)) > 2) continue;
        if (DamerauLevenshteinDistance(word, candidate, { transposition_cost: 1 }) <= 2) {
          best = candidate;
          bestCount = count;
          break;
        }
      }
    return best;
  }

  /** The query with its misspelled words corrected, or undefined when nothing needed correcting. */
  suggest(query: string): string | undefined {
    const tokens = words(query).slice(0, MAX_QUERY_WORDS);
    const corrected = new Map<string, string | undefined>();
    const budget = { twoEditWords: MAX_TWO_EDIT_WORDS };
    let changed = false;
    const fixed = tokens.map((t) => {
      if (!corrected.has(t)) corrected.set(t, this.correct(t, budget));
      const c = corrected.get(t);
      if (c && c !== t) changed = true;
      return c ?? t;
    });
    return changed ? fixed.join(' ') : undefined;
  }
}
