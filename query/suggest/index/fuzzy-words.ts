// Typo tolerance on word prefixes: which words of a sorted dictionary start with something within
// one edit of a typed word (an insertion, deletion, substitution or swap of neighbours), the first
// letter exact. That is what matching edge n-grams with `fuzziness: 1, prefix_length: 1` did in
// Elasticsearch, without n-grams: the sorted words are walked as a trie, one row of edit distances
// per node, and a branch is left as soon as every distance in its row exceeds one, so the cost
// follows the words near the typed one, not the size of the dictionary.
import type { StringList } from './packed-strings.ts';

/** Nodes one walk may visit: a bound for pathological dictionaries (what it found so far is kept). */
const MAX_NODES = 50000;

/**
 * Ranges [lo, hi) of `sorted` (distinct words, sorted) whose words start within one edit of
 * `typed`, in ascending order and disjoint.
 */
export function fuzzyPrefixRanges(sorted: StringList, typed: string, maxPrefix = 20): [number, number][] {
  const out: [number, number][] = [];
  if (typed.length === 0 || typed.length > maxPrefix + 1) return out;
  // The first letter is exact: the walk starts below it, comparing what follows.
  const first = typed.slice(0, 1);
  const lo = lowerBound(sorted, first, 0, sorted.length);
  const hi = endOfPrefix(sorted, first, lo, sorted.length);
  if (lo === hi) return out;
  const rest = typed.slice(1);
  const m = rest.length;
  // One row per depth, reused: row d holds the distances for the path of length d + 1.
  const rows = Array.from({ length: maxPrefix + 1 }, () => new Int32Array(m + 1));
  for (let j = 0; j <= m; j++) rows[0]![j] = j;
  let nodes = 0;
  const walk = (depth: number, from: number, to: number, prev: number) => {
    const row = rows[depth - 1]!;
    // Everything under this node starts with a prefix within one edit of the typed word.
    if (row[m]! <= 1) {
      out.push([from, to]);
      return;
    }
    if (depth >= maxPrefix || ++nodes > MAX_NODES) return;
    const before = depth >= 2 ? rows[depth - 2]! : undefined;
    const next = rows[depth]!;
    let i = from;
    // A word that ends here has no letter to add.
    if (sorted.at(i)!.length === depth) i++;
    while (i < to) {
      const c = sorted.at(i)!.charCodeAt(depth);
      const end = firstAbove(sorted, depth, c, i, to);
      next[0] = row[0]! + 1;
      let min = next[0]!;
      for (let j = 1; j <= m; j++) {
        const t = rest.charCodeAt(j - 1);
        let d = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (t === c ? 0 : 1));
        // A swap of neighbours counts as one edit.
        if (before && j >= 2 && t === prev && rest.charCodeAt(j - 2) === c) d = Math.min(d, before[j - 2]! + 1);
        next[j] = d;
        if (d < min) min = d;
      }
      if (min <= 1) walk(depth + 1, i, end, c);
      i = end;
    }
  };
  walk(1, lo, hi, -1);
  return out;
}

/** First index in [lo, hi) whose word is >= `s`. */
export function lowerBound(sorted: StringList, s: string, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted.at(mid)! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** From `lo`, the first word >= prefix, the end of the words starting with `prefix`. */
export function endOfPrefix(sorted: StringList, prefix: string, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted.at(mid)!.startsWith(prefix)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** In [lo, hi), words sharing a prefix of length `depth`, the first whose next letter is above `c`. */
function firstAbove(sorted: StringList, depth: number, c: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted.at(mid)!.charCodeAt(depth) <= c) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
