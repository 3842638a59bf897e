// A segment tree of minima over an array of entry ranks, for "the best-ranked entries among these
// positions, best first" without scanning them: a prefix covers a contiguous range of a sorted
// array (phrases by key, word occurrences by word), and a short prefix can cover most of it. Each
// rank found costs O(log n), whatever the size of the range. Layout: the bottom-up tree of 2n slots
// (leaves at n..2n-1), which works for any n, not only powers of two.

/** The tree over `values` (built where the index is compiled; the tree itself is plain data). */
export function minTreeOf(values: Int32Array): Int32Array {
  const n = values.length;
  const tree = new Int32Array(2 * n);
  tree.set(values, n);
  for (let i = n - 1; i > 0; i--) tree[i] = Math.min(tree[2 * i]!, tree[2 * i + 1]!);
  return tree;
}

export class MinTree {
  private readonly n: number;

  constructor(private readonly tree: Int32Array) {
    this.n = tree.length / 2;
  }

  get bytes(): number {
    return this.tree.byteLength;
  }

  /**
   * The values at positions [lo, hi) of every range, in ascending order, each once. Lazy: taking
   * the first k costs O((k + ranges) log n).
   */
  *ascending(ranges: readonly (readonly [number, number])[]): Generator<number> {
    const { n, tree } = this;
    const heap: number[] = [];
    const push = (node: number) => {
      let i = heap.push(node) - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (tree[heap[parent]!]! <= tree[node]!) break;
        heap[i] = heap[parent]!;
        i = parent;
      }
      heap[i] = node;
    };
    const pop = (): number => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= heap.length) break;
          const c = l + 1 < heap.length && tree[heap[l + 1]!]! < tree[heap[l]!]! ? l + 1 : l;
          if (tree[heap[c]!]! >= tree[last]!) break;
          heap[i] = heap[c]!;
          i = c;
        }
        heap[i] = last;
      }
      return top;
    };
    // The canonical nodes of each range: their leaves are exactly the range.
    for (const [lo, hi] of ranges) {
      for (let l = lo + n, r = hi + n; l < r; l >>= 1, r >>= 1) {
        if (l & 1) push(l++);
        if (r & 1) push(--r);
      }
    }
    let last = -1;
    while (heap.length > 0) {
      const node = pop();
      if (node >= n) {
        const v = tree[node]!;
        if (v !== last) yield v;
        last = v;
      } else {
        push(2 * node);
        push(2 * node + 1);
      }
    }
  }
}
