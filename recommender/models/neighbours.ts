// Top-k nearest items by cosine (unit vectors, so a dot product), exact or approximate. Exact
// multiplies the queries with every item (batches of queries keep memory bounded); that is items²
// work, fine for a shop of thousands and out of reach at a million. Approximate is an inverted-file
// index (IVF, as in FAISS): spherical k-means splits the items into cells and each query is
// compared exactly with the items of its `probe` nearest cells only. The work is batched by cell,
// not by query: every query probing a cell is scored against that cell's items in one matrix
// product, and each query keeps a running top-k across its cells (a heap; only scores above its
// current worst are looked at). Then rounds of NN-descent score the neighbours of each item's
// neighbours and reverse neighbours exactly. The dense products run in TensorFlow.js (tf.ts);
// recall against exact is measured on a sample at training time.
import { seededRandom } from '../../common/random.ts';
import { loadTf, type Tensor, type Tf } from './tf.ts';

export interface NeighbourOptions {
  /** Up to this many items, neighbours are exact. */
  exactUpTo: number;
  /** Cells of the inverted file; 0 = 2·√items. */
  cells: number;
  /**
   * Share of the cells searched per query (at least one). A share, not a count: at a fixed count
   * the searched share falls as 1/√items and so does recall (docs/recommendations-scale.md).
   */
  probeShare: number;
  kmeansIterations: number;
  /**
   * Rounds of NN-descent after the search, and how many of each list (and of each item's reverse
   * neighbours) feed a round.
   */
  refineRounds: number;
  refineFanout: number;
  /** Items sampled to measure the approximate search's recall against exact (0 = skip). */
  recallSample: number;
}

/** Per query, k item numbers (-1 past the end) and their cosines, best first. */
export interface SearchResult {
  ids: Int32Array;
  scores: Float32Array;
  k: number;
}

export interface VectorSearch {
  kind: 'exact' | 'ivf';
  cells: number;
  /**
   * Nearest items of each query vector (rows of `queries`); `self[q]` (an item number, or -1) is
   * left out of query q's list. `onQueries(n)` reports progress.
   */
  search(queries: Float32Array, k: number, self?: Int32Array, onQueries?: (n: number) => void): Promise<SearchResult>;
  dispose(): void;
}

let HITS = new Int32Array(1024);
/** Columns of one row of a score matrix above a bar, into HITS: the search's hot loop, kept small and monomorphic. */
function above(scores: Float32Array, from: number, m: number, bar: number): number {
  if (HITS.length < m) HITS = new Int32Array(m);
  let n = 0;
  for (let c = 0; c < m; c++) if (scores[from + c]! > bar) HITS[n++] = c;
  return n;
}

/** Elements of one score matrix: bounds the memory of a product however the queries fall. */
const BLOCK = 1 << 23;

export async function vectorSearch(
  vectors: Float32Array,
  dimensions: number,
  o: NeighbourOptions,
  seed: number,
  onKmeans: (iteration: number) => void = () => {},
): Promise<VectorSearch> {
  const { tf } = await loadTf();
  const n = vectors.length / dimensions;
  if (n <= o.exactUpTo) {
    const allT = tf.tensor2d(transposedRows(vectors, dimensions, undefined), [dimensions, n]);
    return { kind: 'exact', cells: 1, search: exactSearch(tf, allT, dimensions), dispose: () => allT.dispose() };
  }
  const cells = Math.max(2, Math.min(n, o.cells > 0 ? o.cells : Math.round(2 * Math.sqrt(n))));
  const centroids = await sphericalKmeans(tf, vectors, dimensions, cells, o.kmeansIterations, seed, onKmeans);
  const byCell = groupBy(await nearestCentroids(tf, vectors, dimensions, centroids, 1), cells);
  const probe = Math.max(1, Math.min(cells, Math.round(o.probeShare * cells)));
  return {
    kind: 'ivf',
    cells,
    async search(queries, k, self, onQueries = () => {}) {
      const q = queries.length / dimensions;
      const passes = await probesByCell(tf, queries, dimensions, centroids, probe);
      const out = emptyHeaps(q, k);
      let probed = 0;
      for (let pass = 0; pass < 2 * cells; pass++) {
        const c = pass % cells;
        const probedBy = passes[Math.floor(pass / cells)]!;
        const members = cellMembers(probedBy, c);
        const candidates = cellMembers(byCell, c);
        if (members.length > 0 && candidates.length > 0) {
          const candidateTensor = tf.tensor2d(transposedRows(vectors, dimensions, candidates), [
            dimensions,
            candidates.length,
          ]);
          try {
            await scoreBlocks(tf, queries, dimensions, members, candidateTensor, candidates, k, self, out);
          } finally {
            candidateTensor.dispose();
          }
        }
        // Progress in whole queries: each is probed in `probe` cells.
        const before = Math.floor(probed / probe);
        probed += members.length;
        if (Math.floor(probed / probe) > before) onQueries(Math.floor(probed / probe) - before);
      }
      sortHeaps(out);
      return out;
    },
    dispose: () => {},
  };
}

/**
 * Which queries probe each cell, inverted from each query's `probe` nearest cells, in two passes:
 * every query's nearest cell first, so its running top-k has a high bar before the farther cells
 * are scanned. (A function of its own so the query × probe temporaries go when it returns: at a
 * million items they are hundreds of MB.)
 */
async function probesByCell(tf: Tf, queries: Float32Array, d: number, centroids: Float32Array, probe: number) {
  const q = queries.length / d;
  const cells = centroids.length / d;
  const nearest = await nearestCentroids(tf, queries, d, centroids, probe);
  const first = new Int32Array(q);
  for (let i = 0; i < q; i++) first[i] = nearest[i * probe]!;
  const nearestFirst = groupBy(first, cells, 1);
  const rest = new Int32Array(q * (probe - 1));
  for (let i = 0; i < q; i++) rest.set(nearest.subarray(i * probe + 1, (i + 1) * probe), i * (probe - 1));
  return [nearestFirst, groupBy(rest, cells, probe - 1)];
}

/** The given rows (all when undefined) as columns: [dimensions, rows], the layout the fast product wants. */
function transposedRows(vectors: Float32Array, d: number, rows: Int32Array | undefined): Float32Array {
  const m = rows ? rows.length : vectors.length / d;
  const out = new Float32Array(d * m);
  for (let c = 0; c < m; c++) {
    const at = (rows ? rows[c]! : c) * d;
    for (let t = 0; t < d; t++) out[t * m + c] = vectors[at + t]!;
  }
  return out;
}

function exactSearch(tf: Tf, allT: Tensor, d: number): VectorSearch['search'] {
  return async (queries, k, self, onQueries = () => {}) => {
    const q = queries.length / d;
    const out = emptyHeaps(q, k);
    await scoreBlocks(
      tf,
      queries,
      d,
      Int32Array.from({ length: q }, (_, i) => i),
      allT,
      undefined,
      k,
      self,
      out,
    );
    sortHeaps(out);
    onQueries(q);
    return out;
  };
}

/** Running top-k heaps of q queries, empty (replaceRoot, sortHeaps). */
const emptyHeaps = (q: number, k: number): SearchResult => ({
  ids: new Int32Array(q * k).fill(-1),
  scores: new Float32Array(q * k).fill(-Infinity),
  k,
});

/**
 * Scores the queries (rows `members` of `queries`) against the candidate columns (`candidates`
 * names their items; all items in order when undefined), a block of queries at a time, and merges
 * each query's candidates (without itself) into its running top-k heap in `out`. Rows are gathered
 * in JavaScript: tf.gather on the wasm backend was 50× slower for this. Reading the whole score
 * matrix and keeping what beats each heap's worst is 2× faster than tf.topk on it.
 */
async function scoreBlocks(
  tf: Tf,
  queries: Float32Array,
  d: number,
  members: Int32Array,
  candidateTensor: Tensor,
  candidates: Int32Array | undefined,
  k: number,
  self: Int32Array | undefined,
  out: SearchResult,
): Promise<void> {
  const m = candidateTensor.shape[1]!;
  if (m === 0) return;
  const perBlock = Math.max(1, Math.floor(BLOCK / m));
  for (let start = 0; start < members.length; start += perBlock) {
    const rows = members.subarray(start, start + perBlock);
    const block = new Float32Array(rows.length * d);
    for (let r = 0; r < rows.length; r++) block.set(queries.subarray(rows[r]! * d, (rows[r]! + 1) * d), r * d);
    const product = tf.tidy(() => tf.matMul(tf.tensor2d(block, [rows.length, d]), candidateTensor));
    const scores = (await product.data()) as Float32Array;
    product.dispose();
    for (let r = 0; r < rows.length; r++) {
      const query = rows[r]!;
      const skip = self ? self[query]! : -1;
      const root = query * k;
      const hits = above(scores, r * m, m, out.scores[root]!);
      for (let h = 0; h < hits; h++) {
        const c = HITS[h]!;
        const s = scores[r * m + c]!;
        if (!(s > out.scores[root]!)) continue;
        const j = candidates ? candidates[c]! : c;
        if (j !== skip) replaceRoot(out.ids, out.scores, root, k, j, s);
      }
    }
  }
}

/**
 * Scores more candidates for each query (e.g. the items bought with it: an embedding neighbour is
 * often a co-purchase that its cells missed) and merges those that make its list.
 */
export function mergeCandidates(
  out: SearchResult,
  queries: Float32Array,
  vectors: Float32Array,
  d: number,
  candidatesOf: (query: number) => Int32Array,
  self?: Int32Array,
): void {
  // Scored (or listed) items of the current query, so a candidate named twice costs one product.
  const listed = new Uint8Array(vectors.length / d);
  let marked = new Int32Array(1024);
  const q = queries.length / d;
  for (let query = 0; query < q; query++) {
    const at = query * out.k;
    const skip = self ? self[query]! : -1;
    const candidates = candidatesOf(query);
    if (marked.length < out.k + candidates.length) marked = new Int32Array(2 * (out.k + candidates.length));
    let n = 0;
    for (let c = 0; c < out.k && out.ids[at + c]! >= 0; c++) {
      listed[out.ids[at + c]!] = 1;
      marked[n++] = out.ids[at + c]!;
    }
    const from = query * d;
    for (let c = 0; c < candidates.length; c++) {
      const j = candidates[c]!;
      if (j < 0 || listed[j] === 1 || j === skip) continue;
      listed[j] = 1;
      marked[n++] = j;
      const score = dot(queries, from, vectors, j * d, d);
      insert(out, query, j, score);
    }
    for (let i = 0; i < n; i++) listed[marked[i]!] = 0;
  }
}

function dot(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let t = 0;
  for (; t + 1 < d; t += 2) {
    s0 += a[i + t]! * b[j + t]!;
    s1 += a[i + t + 1]! * b[j + t + 1]!;
  }
  if (t < d) s0 += a[i + t]! * b[j + t]!;
  return s0 + s1;
}

/**
 * Puts a candidate in place of the worst of a query's running top-k, kept as a min-heap at
 * ids/scores[root .. root + k) (empty places score -Infinity): log k steps, where a sorted insert
 * shifts up to k entries, and the search makes hundreds of inserts a query.
 */
function replaceRoot(ids: Int32Array, scores: Float32Array, root: number, k: number, id: number, score: number): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= k) break;
    const r = l + 1;
    const child = r < k && scores[root + r]! < scores[root + l]! ? r : l;
    if (!(scores[root + child]! < score)) break;
    ids[root + i] = ids[root + child]!;
    scores[root + i] = scores[root + child]!;
    i = child;
  }
  ids[root + i] = id;
  scores[root + i] = score;
}

/** Heaps of a search (replaceRoot) as sorted lists, best first, empty places last (-1, score 0). */
function sortHeaps(out: SearchResult): void {
  const { k } = out;
  const order = Array.from({ length: k }, (_, i) => i);
  const ids = new Int32Array(k);
  const scores = new Float32Array(k);
  for (let at = 0; at < out.ids.length; at += k) {
    order.sort((a, b) => out.scores[at + b]! - out.scores[at + a]! || a - b);
    for (let i = 0; i < k; i++) {
      ids[i] = out.ids[at + order[i]!]!;
      scores[i] = ids[i]! >= 0 ? out.scores[at + order[i]!]! : 0;
      order[i] = i;
    }
    out.ids.set(ids, at);
    out.scores.set(scores, at);
  }
}

/** Puts an item into a query's sorted top-k (best first) if it makes it. */
function insert(out: SearchResult, query: number, id: number, score: number): void {
  const at = query * out.k;
  let i = out.k - 1;
  if (out.ids[at + i]! >= 0 && !(score > out.scores[at + i]!)) return;
  while (i > 0 && (out.ids[at + i - 1]! < 0 || score > out.scores[at + i - 1]!)) {
    out.ids[at + i] = out.ids[at + i - 1]!;
    out.scores[at + i] = out.scores[at + i - 1]!;
    i--;
  }
  out.ids[at + i] = id;
  out.scores[at + i] = score;
}

/** Spherical k-means on a sample: unit centroids, assignment by the largest dot product. */
async function sphericalKmeans(
  tf: Tf,
  vectors: Float32Array,
  d: number,
  cells: number,
  iterations: number,
  seed: number,
  onIteration: (i: number) => void,
): Promise<Float32Array> {
  const n = vectors.length / d;
  const random = seededRandom(seed);
  // 40 points a cell is plenty to place a centroid, and keeps each iteration to seconds.
  const sampleSize = Math.min(n, cells * 40);
  const pick = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < sampleSize; i++) {
    const j = i + Math.floor(random() * (n - i));
    [pick[i], pick[j]] = [pick[j]!, pick[i]!];
  }
  const sample = new Float32Array(sampleSize * d);
  for (let i = 0; i < sampleSize; i++) sample.set(vectors.subarray(pick[i]! * d, pick[i]! * d + d), i * d);
  const centroids = sample.slice(0, cells * d);
  for (let it = 0; it < iterations; it++) {
    const assigned = await nearestCentroids(tf, sample, d, centroids, 1);
    const sums = new Float64Array(cells * d);
    const sizes = new Int32Array(cells);
    for (let i = 0; i < sampleSize; i++) {
      const c = assigned[i]!;
      sizes[c]!++;
      for (let t = 0; t < d; t++) sums[c * d + t]! += sample[i * d + t]!;
    }
    for (let c = 0; c < cells; c++) {
      // An empty cell restarts at a random sample point.
      if (sizes[c] === 0) {
        const p = Math.floor(random() * sampleSize);
        for (let t = 0; t < d; t++) sums[c * d + t] = sample[p * d + t]!;
      }
      let norm = 0;
      for (let t = 0; t < d; t++) norm += sums[c * d + t]! ** 2;
      const inv = 1 / Math.max(Math.sqrt(norm), 1e-12);
      for (let t = 0; t < d; t++) centroids[c * d + t] = sums[c * d + t]! * inv;
    }
    onIteration(it + 1);
  }
  return centroids;
}

/** Each vector's `count` nearest centroids, nearest first: row v at v × count. */
async function nearestCentroids(
  tf: Tf,
  vectors: Float32Array,
  d: number,
  centroids: Float32Array,
  count: number,
): Promise<Int32Array> {
  const n = vectors.length / d;
  const cells = centroids.length / d;
  const out = new Int32Array(n * count);
  const centroidsT = tf.tensor2d(transposedRows(centroids, d, undefined), [d, cells]);
  const perBlock = Math.max(1, Math.floor(BLOCK / cells));
  try {
    for (let start = 0; start < n; start += perBlock) {
      const end = Math.min(n, start + perBlock);
      const best = tf.tidy(() => {
        const scores = tf.matMul(tf.tensor2d(vectors.subarray(start * d, end * d), [end - start, d]), centroidsT);
        return count === 1 ? tf.argMax(scores, 1) : tf.topk(scores, count).indices;
      });
      out.set((await best.data()) as Int32Array, start * count);
      best.dispose();
    }
  } finally {
    centroidsT.dispose();
  }
  return out;
}

/**
 * Members of each group in compressed rows (group g holds members[offsets[g] .. offsets[g + 1])),
 * from `groupOf`, which names `width` groups per member.
 */
function groupBy(groupOf: Int32Array, groups: number, width = 1): { offsets: Int32Array; members: Int32Array } {
  const offsets = new Int32Array(groups + 1);
  for (const g of groupOf) offsets[g + 1]!++;
  for (let g = 0; g < groups; g++) offsets[g + 1]! += offsets[g]!;
  const fill = offsets.slice(0, groups);
  const members = new Int32Array(groupOf.length);
  groupOf.forEach((g, i) => (members[fill[g]!++] = Math.floor(i / width)));
  return { offsets, members };
}

const cellMembers = (g: { offsets: Int32Array; members: Int32Array }, c: number) =>
  g.members.subarray(g.offsets[c]!, g.offsets[c + 1]!);

/**
 * Mean share of each sampled item's exact top-k (without itself) that its list in `found` (item
 * neighbour lists, without themselves) holds: the recall of the approximate lists, on `sample` items
 * drawn with `seed`.
 */
export async function neighbourRecall(
  found: SearchResult,
  vectors: Float32Array,
  dimensions: number,
  k: number,
  sample: number,
  seed: number,
): Promise<number> {
  const n = vectors.length / dimensions;
  const random = seededRandom(seed);
  const picked = Int32Array.from({ length: Math.min(sample, n) }, () => Math.floor(random() * n));
  const queries = new Float32Array(picked.length * dimensions);
  picked.forEach((item, q) =>
    queries.set(vectors.subarray(item * dimensions, (item + 1) * dimensions), q * dimensions),
  );
  const { tf } = await loadTf();
  const allT = tf.tensor2d(transposedRows(vectors, dimensions, undefined), [dimensions, n]);
  let truth: SearchResult;
  try {
    truth = await exactSearch(tf, allT, dimensions)(queries, k, picked);
  } finally {
    allT.dispose();
  }
  let sum = 0;
  picked.forEach((item, q) => {
    const want = new Set(Array.from(truth.ids.subarray(q * k, (q + 1) * k)).filter((j) => j >= 0));
    const got = Array.from(found.ids.subarray(item * found.k, item * found.k + Math.min(k, found.k)));
    sum += want.size === 0 ? 1 : got.filter((j) => want.has(j)).length / want.size;
  });
  return sum / Math.max(1, picked.length);
}

/** Up to `width` items listing each item among their first `width` neighbours (reverse edges), in compressed rows. */
function reverseLists(ids: Int32Array, k: number, width: number): { offsets: Int32Array; members: Int32Array } {
  const n = ids.length / k;
  const w = Math.min(width, k);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < w && ids[i * k + a]! >= 0; a++) {
      const j = ids[i * k + a]!;
      if (offsets[j + 1]! < width) offsets[j + 1]!++;
    }
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const members = new Int32Array(offsets[n]!);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < w && ids[i * k + a]! >= 0; a++) {
      const j = ids[i * k + a]!;
      if (fill[j]! < offsets[j + 1]!) members[fill[j]!++] = i;
    }
  return { offsets, members };
}

/**
 * Rounds of NN-descent (Dong et al. 2011: a neighbour's neighbour is likely a neighbour) over item
 * lists (`found`: item i's own list at row i): each item scores exactly the first `fanout` of the
 * lists of its first `fanout` neighbours and of up to `fanout` items that list it (reverse
 * neighbours), and keeps those that make its list. The reverse edges are what lift recall past the
 * IVF's cells: without them two rounds gained 0.13 on 150,000 items, with them 0.17.
 */
export function refineNeighbours(
  found: SearchResult,
  vectors: Float32Array,
  d: number,
  rounds: number,
  fanout: number,
  self: Int32Array,
  onItems: (n: number) => void = () => {},
): void {
  const k = found.k;
  const f = Math.min(fanout, k);
  let buffer = new Int32Array(4096);
  let n = 0;
  const push = (j: number) => {
    if (n === buffer.length) {
      const grown = new Int32Array(2 * n);
      grown.set(buffer);
      buffer = grown;
    }
    buffer[n++] = j;
  };
  for (let round = 0; round < rounds; round++) {
    const snapshot = found.ids.slice();
    const reverse = reverseLists(snapshot, k, f);
    const listOf = (a: number) => {
      for (let b = 0; b < f && snapshot[a * k + b]! >= 0; b++) push(snapshot[a * k + b]!);
    };
    let done = 0;
    mergeCandidates(
      found,
      vectors,
      vectors,
      d,
      (i) => {
        n = 0;
        for (let b = 0; b < f && snapshot[i * k + b]! >= 0; b++) listOf(snapshot[i * k + b]!);
        for (let p = reverse.offsets[i]!; p < reverse.offsets[i + 1]!; p++) {
          push(reverse.members[p]!);
          listOf(reverse.members[p]!);
        }
        if (++done % 10_000 === 0) onItems(10_000);
        return buffer.subarray(0, n);
      },
      self,
    );
    onItems(done % 10_000);
  }
}
