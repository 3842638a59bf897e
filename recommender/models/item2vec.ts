// Item embeddings from baskets: skip-gram with negative sampling (word2vec, with a basket as the
// sentence and every other item in it as context). Frequent items are subsampled and negatives
// drawn from counts^0.75, as in Mikolov et al. (2013). The tables live in shared memory and each
// step updates only the rows of its pair (sgns.ts), so an epoch costs the pairs it trains on, not
// the catalog; `workers` threads share the tables. Why not batched TensorFlow.js steps: at 48
// dimensions and 5 negatives a pair is ~900 multiply-adds, less than the cost of gathering its
// rows into a tensor and scattering the update back, so the batch version measured 130k pairs/s
// on the wasm backend (5k on cpu) against 300k for this loop on one core (docs/recommendations-scale.md).
import { seededRandom } from '../../common/random.ts';
import { trainShare, type SgnsShare, type ShareResult } from './sgns.ts';
import { runShares, shared, startWorkers } from './threads.ts';
import type { Vocabulary } from './vocabulary.ts';

export interface Item2VecOptions {
  dimensions: number;
  epochs: number;
  /** Context items drawn per item of a basket. */
  contextPerItem: number;
  negatives: number;
  /** Starting learning rate, decayed linearly to nearly 0 over the run (word2vec's schedule). */
  learningRate: number;
  /** Subsampling threshold t: an item of frequency f is kept with probability √(t/f) + t/f. */
  subsample: number;
  seed: number;
  /** Threads training at once on the shared tables; 1 is bit-for-bit reproducible for a seed. */
  workers: number;
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
  /** Pairs trained on, over all epochs. */
  pairs: number;
  workers: number;
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

/** Runs shares of an epoch on worker threads (or inline for one), reporting baskets done. */
interface ShareRunner {
  run(shares: SgnsShare[], onBaskets: (n: number) => void): Promise<ShareResult[]>;
  close(): Promise<void>;
}

function inlineRunner(): ShareRunner {
  return {
    run: async (shares, onBaskets) => shares.map((s) => trainShare(s, onBaskets)),
    close: async () => {},
  };
}

function threadRunner(count: number): ShareRunner {
  const workers = startWorkers(import.meta.url, 'item2vec-worker', count);
  return {
    run: (shares, onBaskets) => runShares<SgnsShare, ShareResult>(workers, shares, onBaskets),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

export async function trainItem2Vec(
  v: Vocabulary,
  o: Item2VecOptions,
  onEpoch: (p: EpochProgress) => void = () => {},
  onBaskets: (n: number) => void = () => {},
): Promise<Embeddings> {
  const size = v.items.length;
  const d = o.dimensions;
  const random = seededRandom(o.seed);
  const threads = Math.max(1, Math.floor(o.workers));
  const input = new Float32Array(threads > 1 ? new SharedArrayBuffer(size * d * 4) : new ArrayBuffer(size * d * 4));
  for (let i = 0; i < input.length; i++) input[i] = (random() - 0.5) / d;
  const output = new Float32Array(threads > 1 ? new SharedArrayBuffer(size * d * 4) : new ArrayBuffer(size * d * 4));
  const total = v.basketCount;
  const keep = Float32Array.from(v.counts, (n) => {
    const f = n / total;
    return Math.min(1, Math.sqrt(o.subsample / f) + o.subsample / f);
  });
  // A bigger table for a bigger catalog, so rare items are drawn at all (word2vec uses 1e8 entries).
  const table = negativeTable(v.counts, Math.min(1 << 24, Math.max(1 << 20, 8 * size)));
  const common =
    threads > 1
      ? { offsets: shared(v.offsets), members: shared(v.members), keep: shared(keep), negativeTable: shared(table) }
      : { offsets: v.offsets, members: v.members, keep, negativeTable: table };
  const runner = threads > 1 ? threadRunner(threads) : inlineRunner();
  const order = Int32Array.from({ length: total }, (_, i) => i);
  const started = Date.now();
  const losses: number[] = [];
  let pairs = 0;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      // A new basket order each epoch (Fisher–Yates, seeded), cut into one contiguous share per thread.
      for (let i = total - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      const rateAt = (f: number) => o.learningRate * Math.max(1e-4, 1 - f / o.epochs);
      const shares: SgnsShare[] = Array.from({ length: threads }, (_, w) => {
        const part = order.slice(Math.floor((w * total) / threads), Math.floor(((w + 1) * total) / threads));
        return {
          input,
          output,
          dimensions: d,
          ...common,
          negatives: o.negatives,
          contextPerItem: o.contextPerItem,
          order: threads > 1 ? shared(part) : part,
          rateFrom: rateAt(epoch - 1),
          rateTo: rateAt(epoch),
          seed: Math.floor(random() * 2 ** 32),
        };
      });
      const results = await runner.run(shares, onBaskets);
      const epochPairs = results.reduce((a, r) => a + r.pairs, 0);
      pairs += epochPairs;
      // Mean loss per pair: −log σ(s) of the true context plus −log σ(−s) of each negative.
      losses.push(results.reduce((a, r) => a + r.lossSum, 0) / Math.max(1, epochPairs));
      const seconds = (Date.now() - started) / 1000;
      onEpoch({
        epoch,
        epochs: o.epochs,
        loss: losses.at(-1)!,
        pairs: epochPairs,
        seconds,
        etaSeconds: (seconds / epoch) * (o.epochs - epoch),
      });
    }
  } finally {
    await runner.close();
  }
  // Centre plus context vector, unit length: both tables carry what the item co-occurs with.
  const vectors = new Float32Array(size * d);
  for (let i = 0; i < size; i++) {
    let norm = 0;
    for (let t = 0; t < d; t++) {
      const x = input[i * d + t]! + output[i * d + t]!;
      vectors[i * d + t] = x;
      norm += x * x;
    }
    const inv = 1 / Math.max(Math.sqrt(norm), 1e-9);
    for (let t = 0; t < d; t++) vectors[i * d + t]! *= inv;
  }
  return { dimensions: d, vectors, loss: losses, pairs, workers: threads };
}
