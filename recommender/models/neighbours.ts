// Top-k nearest items by cosine (unit vectors, so a dot product), exact or approximate. Exact
// multiplies the queries with every item (batches of queries keep memory bounded); that is items²
// work, fine for a shop of thousands and out of reach at a million. Approximate is an inverted-file
// index (IVF, as in FAISS): spherical k-means splits the items into cells and each query is
// compared exactly with the items of its `probe` nearest cells only. The work is batched by cell,
// not by query: every query probing a cell is scored against that cell's items in one matrix
// product, and each query keeps a running top-k across its cells. The dense products and top-k run
// in TensorFlow.js (tf.ts); recall against exact is measured on a sample at training time.
import { seededRandom } from '../../common/random.ts';
import { loadTf, type Tensor, type Tf } from './tf.ts';

export interface NeighbourOptions {
  /** Up to this many items, neighbours are exact. */
  exactUpTo: number;
  /** Cells of the inverted file; 0 = 2·√items. */
  cells: number;
  /** Nearest cells searched per query. */
  probe: number;
  kmeansIterations: number;
  /** Rounds of neighbours' neighbours scored after the search, and how many of each list feed a round. */
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
  const probe = Math.min(o.probe, cells);
  return {
    kind: 'ivf',
    cells,
    async search(queries, k, self, onQueries = () => {}) {
      const q = queries.length / dimensions;
      // Inverted: cell c is probed by the queries listed for it.
      const probedBy = groupBy(await nearestCentroids(tf, queries, dimensions, centroids, probe), cells, probe);
      const out = emptyResult(q, k);
      let probed = 0;
      for (let c = 0; c < cells; c++) {
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
      return out;
    },
    dispose: () => {},
  };
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
    const out = emptyResult(q, k);
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
    onQueries(q);
    return out;
  };
}

const emptyResult = (q: number, k: number): SearchResult => ({
  ids: new Int32Array(q * k).fill(-1),
  scores: new Float32Array(q * k),
  k,
});

/**
 * Scores the queries (rows `members` of `queries`) against the candidate columns (`candidates`
 * names their items; all items in order when undefined), a block of queries at a time, and merges
 * each query's best (without itself) into its running top-k in `out`. Rows are gathered in
 * JavaScript: tf.gather on the wasm backend was 50× slower for this.
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
  const width = Math.min(m, k + 1);
  const perBlock = Math.max(1, Math.floor(BLOCK / m));
  for (let start = 0; start < members.length; start += perBlock) {
    const rows = members.subarray(start, start + perBlock);
    const block = new Float32Array(rows.length * d);
    rows.forEach((row, r) => block.set(queries.subarray(row * d, (row + 1) * d), r * d));
    const { values, indices } = tf.tidy(() =>
      tf.topk(tf.matMul(tf.tensor2d(block, [rows.length, d]), candidateTensor), width),
    );
    const [vals, idx] = [(await values.data()) as Float32Array, (await indices.data()) as Int32Array];
    values.dispose();
    indices.dispose();
    for (let r = 0; r < rows.length; r++) {
      const query = rows[r]!;
      const skip = self ? self[query]! : -1;
      for (let c = 0; c < width; c++) {
        const j = candidates ? candidates[idx[r * width + c]!]! : idx[r * width + c]!;
        if (j === skip) continue;
        // Candidates come best first: once one misses the running list, the rest do too.
        if (!insert(out, query, j, vals[r * width + c]!)) break;
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
  candidatesOf: (query: number) => ArrayLike<number>,
  self?: Int32Array,
): void {
  const listed = new Uint8Array(vectors.length / d);
  const marked: number[] = [];
  const mark = (j: number) => {
    listed[j] = 1;
    marked.push(j);
  };
  const q = queries.length / d;
  for (let query = 0; query < q; query++) {
    const at = query * out.k;
    for (let c = 0; c < out.k && out.ids[at + c]! >= 0; c++) mark(out.ids[at + c]!);
    const candidates = candidatesOf(query);
    for (let c = 0; c < candidates.length; c++) {
      const j = candidates[c]!;
      if (j < 0 || listed[j] || j === self?.[query]) continue;
      let score = 0;
      for (let t = 0; t < d; t++) score += queries[query * d + t]! * vectors[j * d + t]!;
      if (insert(out, query, j, score)) mark(j);
    }
    for (const j of marked) listed[j] = 0;
    marked.length = 0;
  }
}

/**
 * The neighbours of each item's first `fanout` neighbours (one round of NN-descent, Dong et al.
 * 2011: a neighbour's neighbour is likely a neighbour), from a snapshot of the lists.
 */
export function neighboursOfNeighbours(found: SearchResult, fanout: number): (query: number) => Int32Array {
  const snapshot = found.ids.slice();
  const k = found.k;
  const width = Math.min(fanout, k);
  const out = new Int32Array(width * width);
  return (query) => {
    out.fill(-1);
    for (let a = 0; a < width; a++) {
      const j = snapshot[query * k + a]!;
      if (j < 0) break;
      out.set(snapshot.subarray(j * k, j * k + width), a * width);
    }
    return out;
  };
}

/** Puts an item into a query's running top-k (sorted, best first); false when it does not make it. */
function insert(out: SearchResult, query: number, id: number, score: number): boolean {
  const at = query * out.k;
  let i = out.k - 1;
  if (out.ids[at + i]! >= 0 && !(score > out.scores[at + i]!)) return false;
  while (i > 0 && (out.ids[at + i - 1]! < 0 || score > out.scores[at + i - 1]!)) {
    out.ids[at + i] = out.ids[at + i - 1]!;
    out.scores[at + i] = out.scores[at + i - 1]!;
    i--;
  }
  out.ids[at + i] = id;
  out.scores[at + i] = score;
  return true;
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
