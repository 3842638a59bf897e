// A recommendation list: item ids with scores, best first.
export type Scored = [id: string, score: number];
/** A recommended item with its score and the signals that put it there, strongest first. */
export type ExplainedScored = [id: string, score: number, signals: string[]];

/** The k best entries of a score table, ties broken by id so lists are reproducible. */
export function topK(scores: Iterable<[string, number]>, k: number): Scored[] {
  const all = [...scores].filter(([, s]) => s > 0 && Number.isFinite(s));
  all.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return all.slice(0, k).map(([id, s]) => [id, round(s)]);
}

export const round = (s: number): number => Math.round(s * 1e6) / 1e6;

/**
 * The k best of `count` candidates by score (ties to the lower number, so lists are reproducible),
 * best first, through a bounded heap: n·log k, for candidate sets far larger than k.
 */
export function topCandidates(
  candidates: ArrayLike<number>,
  count: number,
  k: number,
  score: (candidate: number) => number,
): { ids: Int32Array; scores: Float64Array } {
  const heapIds = new Int32Array(k);
  const heapScores = new Float64Array(k);
  let size = 0;
  // Min-heap on (score, then higher number = worse).
  const worse = (a: number, b: number) =>
    heapScores[a]! < heapScores[b]! || (heapScores[a] === heapScores[b] && heapIds[a]! > heapIds[b]!);
  const swap = (a: number, b: number) => {
    [heapIds[a], heapIds[b]] = [heapIds[b]!, heapIds[a]!];
    [heapScores[a], heapScores[b]] = [heapScores[b]!, heapScores[a]!];
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(l, m)) m = l;
      if (r < size && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let c = 0; c < count; c++) {
    const id = candidates[c]!;
    const s = score(id);
    if (!(s > 0) || !Number.isFinite(s)) continue;
    if (size < k) {
      heapIds[size] = id;
      heapScores[size] = s;
      for (let i = size++; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!worse(i, p)) break;
        swap(i, p);
        i = p;
      }
    } else if (s > heapScores[0]! || (s === heapScores[0] && id < heapIds[0]!)) {
      heapIds[0] = id;
      heapScores[0] = s;
      down(0);
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort(
    (a, b) => heapScores[b]! - heapScores[a]! || heapIds[a]! - heapIds[b]!,
  );
  return { ids: Int32Array.from(order, (i) => heapIds[i]!), scores: Float64Array.from(order, (i) => heapScores[i]!) };
}
