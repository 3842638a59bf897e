// Exact top-k nearest items by cosine: normalized embeddings multiplied in batches, so memory stays
// at batch × items however large the catalog.
import { loadTf } from './tf.ts';
import { round, type Scored } from './ranked-list.ts';

export async function nearestNeighbours(
  items: readonly string[],
  vectors: Float32Array,
  dimensions: number,
  k: number,
  batch = 512,
): Promise<Map<string, Scored[]>> {
  const { tf } = await loadTf();
  const out = new Map<string, Scored[]>();
  const all = tf.tensor2d(vectors, [items.length, dimensions]);
  try {
    for (let start = 0; start < items.length; start += batch) {
      const end = Math.min(start + batch, items.length);
      const { values, indices } = tf.tidy(() => {
        const sims = tf.matMul(all.slice([start, 0], [end - start, dimensions]), all, false, true);
        return tf.topk(sims, Math.min(k + 1, items.length));
      });
      const [vals, idx] = [await values.data(), await indices.data()];
      values.dispose();
      indices.dispose();
      const width = Math.min(k + 1, items.length);
      for (let r = 0; r < end - start; r++) {
        const list: Scored[] = [];
        for (let c = 0; c < width && list.length < k; c++) {
          const j = idx[r * width + c]!;
          if (j !== start + r && vals[r * width + c]! > 0) list.push([items[j]!, round(vals[r * width + c]!)]);
        }
        out.set(items[start + r]!, list);
      }
    }
    return out;
  } finally {
    all.dispose();
  }
}
