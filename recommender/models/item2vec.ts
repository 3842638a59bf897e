// Item embeddings from baskets: skip-gram with negative sampling (word2vec, with a basket as the
// sentence and every other item in it as context), trained with TensorFlow.js. Frequent items are
// subsampled and negatives drawn from counts^0.75, as in Mikolov et al. (2013).
import { seededRandom } from '../../common/random.ts';
import { loadTf, type Tensor, type Tf, type Variable } from './tf.ts';
import type { Vocabulary } from './vocabulary.ts';

export interface Item2VecOptions {
  dimensions: number;
  epochs: number;
  /** Context items drawn per item of a basket. */
  contextPerItem: number;
  negatives: number;
  batchSize: number;
  learningRate: number;
  /** Subsampling threshold t: an item of frequency f is kept with probability √(t/f) + t/f. */
  subsample: number;
  seed: number;
}

export interface EpochProgress {
  epoch: number;
  epochs: number;
  loss: number;
  pairs: number;
  seconds: number;
  etaSeconds: number;
}

export interface Embeddings {
  dimensions: number;
  /** Row i is item i's vector, L2-normalized. */
  vectors: Float32Array;
  loss: number[];
  backend: string;
}

/** Centre/context pairs of one epoch; differs per epoch but is fixed by the seed. */
export function skipGramPairs(
  v: Vocabulary,
  o: Pick<Item2VecOptions, 'contextPerItem' | 'subsample'>,
  random: () => number,
): { centres: Int32Array; contexts: Int32Array } {
  const total = v.baskets.length;
  const keep = Float64Array.from(v.counts, (n) => {
    const f = n / total;
    return Math.min(1, Math.sqrt(o.subsample / f) + o.subsample / f);
  });
  const centres: number[] = [];
  const contexts: number[] = [];
  for (const basket of v.baskets) {
    const kept = basket.filter((i) => random() < keep[i]!);
    if (kept.length < 2) continue;
    for (let a = 0; a < kept.length; a++) {
      for (let s = 0; s < Math.min(o.contextPerItem, kept.length - 1); s++) {
        let b = Math.floor(random() * (kept.length - 1));
        if (b >= a) b++;
        centres.push(kept[a]!);
        contexts.push(kept[b]!);
      }
    }
  }
  // Shuffle so batches mix baskets.
  for (let i = centres.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [centres[i], centres[j]] = [centres[j]!, centres[i]!];
    [contexts[i], contexts[j]] = [contexts[j]!, contexts[i]!];
  }
  return { centres: Int32Array.from(centres), contexts: Int32Array.from(contexts) };
}

/** A table to draw negatives from in proportion to count^0.75. */
export function negativeTable(counts: Int32Array, size = 1 << 20): Int32Array {
  const weights = Array.from(counts, (n) => n ** 0.75);
  const sum = weights.reduce((a, b) => a + b, 0);
  const table = new Int32Array(size);
  let item = 0;
  let acc = weights[0]! / sum;
  for (let k = 0; k < size; k++) {
    while ((k + 0.5) / size > acc && item < weights.length - 1) acc += weights[++item]! / sum;
    table[k] = item;
  }
  return table;
}

export async function trainItem2Vec(
  v: Vocabulary,
  o: Item2VecOptions,
  onEpoch: (p: EpochProgress) => void = () => {},
): Promise<Embeddings> {
  const { tf, backend } = await loadTf();
  const random = seededRandom(o.seed);
  const size = v.items.length;
  const { dimensions: d, negatives: k } = o;
  const table = negativeTable(v.counts);
  const started = Date.now();
  const losses: number[] = [];
  const centre = tf.variable(tf.randomUniform([size, d], -0.5 / d, 0.5 / d, 'float32', o.seed));
  const context = tf.variable(tf.zeros([size, d]));
  const pairsPerEpoch = skipGramPairs(v, o, seededRandom(o.seed)).centres.length;
  let done = 0;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const { centres, contexts } = skipGramPairs(v, o, random);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < centres.length; start += o.batchSize) {
        const n = Math.min(o.batchSize, centres.length - start);
        // Column 0 of each row is the true context, columns 1..k are negatives.
        const columns = new Int32Array(n * (k + 1));
        for (let r = 0; r < n; r++) {
          columns[r * (k + 1)] = contexts[start + r]!;
          for (let j = 1; j <= k; j++) columns[r * (k + 1) + j] = table[Math.floor(random() * table.length)]!;
        }
        // word2vec's linear learning-rate decay over the whole run.
        const lr = o.learningRate * Math.max(1e-4, 1 - done / (pairsPerEpoch * o.epochs));
        const loss = tf.tidy(() => sgnsStep(tf, centre, context, centres.subarray(start, start + n), columns, k, lr));
        lossSum += (await loss.data())[0]!;
        loss.dispose();
        batches++;
        done += n;
      }
      const seconds = (Date.now() - started) / 1000;
      losses.push(lossSum / Math.max(1, batches));
      onEpoch({
        epoch,
        epochs: o.epochs,
        loss: losses.at(-1)!,
        pairs: centres.length,
        seconds,
        etaSeconds: (seconds / epoch) * (o.epochs - epoch),
      });
    }
    const vectors = tf.tidy(() =>
      tf.add(centre, context).div(tf.maximum(tf.norm(tf.add(centre, context), 'euclidean', 1, true), 1e-9)),
    );
    const out = (await vectors.data()) as Float32Array;
    vectors.dispose();
    return { dimensions: d, vectors: out, loss: losses, backend };
  } finally {
    centre.dispose();
    context.dispose();
  }
}

/**
 * One SGD step of skip-gram with negative sampling; returns the batch's mean loss. Gradients are
 * written out (σ(s) − label) and scattered with scatterND, because the automatic gradient of
 * gather goes through unsortedSegmentSum, which the CPU backend runs in time items × batch.
 * Batched matMuls replace broadcasting multiplies, which that backend runs slowly.
 */
function sgnsStep(
  tf: Tf,
  centre: Variable,
  context: Variable,
  centres: Int32Array,
  columns: Int32Array,
  k: number,
  lr: number,
): Tensor {
  const [size, d] = centre.shape as [number, number];
  const n = centres.length;
  const labels = tf.tensor2d(
    Float32Array.from({ length: n * (k + 1) }, (_, i) => (i % (k + 1) === 0 ? 1 : 0)),
    [n, k + 1],
  );
  const c = tf.tensor2d(centres, [n, 1], 'int32');
  const x = tf.tensor2d(columns, [n * (k + 1), 1], 'int32');
  const u = tf.gather(centre, c.reshape([n])).reshape([n, 1, d]);
  const ctx = tf.gather(context, x.reshape([n * (k + 1)])).reshape([n, k + 1, d]);
  const scores = tf.matMul(ctx, u, false, true).reshape([n, k + 1]);
  const g = tf.sub(tf.sigmoid(scores), labels);
  const gu = tf.matMul(g.reshape([n, 1, k + 1]), ctx).reshape([n, d]);
  const gctx = tf.matMul(g.reshape([n, k + 1, 1]), u).reshape([n * (k + 1), d]);
  // A row drawn many times in one batch takes the mean of its gradients, not their sum, so a
  // small catalog (every item in every batch) cannot blow up.
  const perRow = (idx: Tensor, grads: Tensor) => {
    const times = tf.maximum(tf.scatterND(idx, tf.ones([idx.shape[0]!]), [size]).reshape([size, 1]), 1);
    // Spread to [size, d] with a matMul: the CPU backend's broadcasting divide is slow.
    return tf.div(tf.scatterND(idx, grads, [size, d]), tf.matMul(times, tf.ones([1, d])));
  };
  centre.assign(tf.sub(centre, tf.mul(lr, perRow(c, gu))));
  context.assign(tf.sub(context, tf.mul(lr, perRow(x, gctx))));
  // −log σ(s) for the true context and −log σ(−s) for negatives, i.e. softplus(∓s).
  return tf.mean(tf.sum(tf.softplus(tf.mul(scores, tf.sub(1, tf.mul(2, labels)))), 1));
}
