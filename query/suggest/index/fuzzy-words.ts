// Typo tolerance on word prefixes: which words of a sorted dictionary start with something within
// one edit of a typed word (an insertion, deletion, substitution or swap of neighbours), the first
// letter exact. That is what matching edge n-grams with `fuzziness: 1, prefix_length: 1` did in
// Elasticsearch, without n-grams: the sorted words are walked as a trie, one row of edit distances
// per node, and a branch is left as soon as every distance in its row exceeds one, so the cost
// follows the words near the typed one, not the size of the dictionary.

/** Ranges [lo, hi) of `sorted` (distinct words, sorted) whose words start within one edit of `typed`. */
export function fuzzyPrefixRanges(sorted: readonly string[], typed: string, maxPrefix = 20): [number, number][] {
  const out: [number, number][] = [];
  if (typed.length === 0 || typed.length > maxPrefix + 1) return out;
  // The first letter is exact: the walk starts below it, comparing what follows.
  const first = typed.slice(0, 1);
  const lo = lowerBound(sorted, first, 0, sorted.length);
  const hi = endOfPrefix(sorted, first, lo, sorted.length);
  if (lo === hi) return out;
  const rest = typed.slice(1);
  const m = rest.length;
  const start = Int32Array.from({ length: m + 1 }, (_, j) => j);
  const walk = (
    depth: number,
    from: number,
    to: number,
    row: Int32Array,
    before: Int32Array | undefined,
    prev: number,
  ) => {
    // Everything under this node starts with a prefix within one edit of the typed word.
    if (row[m]! <= 1) {
      out.push([from, to]);
      return;
    }
    if (depth >= maxPrefix || Math.min(...row) > 1) return;
    let i = from;
    // A word that ends here has no letter to add.
    if (sorted[i]!.length === depth) i++;
    while (i < to) {
      const c = sorted[i]!.charCodeAt(depth);
      const end = firstAbove(sorted, depth, c, i, to);
      const next = new Int32Array(m + 1);
      next[0] = row[0]! + 1;
      for (let j = 1; j <= m; j++) {
        const t = rest.charCodeAt(j - 1);
        let d = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (t === c ? 0 : 1));
        // A swap of neighbours counts as one edit.
        if (before && j >= 2 && t === prev && rest.charCodeAt(j - 2) === c) d = Math.min(d, before[j - 2]! + 1);
        next[j] = d;
      }
      walk(depth + 1, i, end, next, row, c);
      i = end;
    }
  };
  walk(1, lo, hi, start, undefined, -1);
  return out;
}

/** First index in [lo, hi) whose word is >= `s`. */
export function lowerBound(sorted: readonly string[], s: string, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** From `lo`, the first word >= prefix, the end of the words starting with `prefix`. */
export function endOfPrefix(sorted: readonly string[], prefix: string, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.startsWith(prefix)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** In [lo, hi), words sharing a prefix of length `depth`, the first whose next letter is above `c`. */
function firstAbove(sorted: readonly string[], depth: number, c: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.charCodeAt(depth) <= c) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
