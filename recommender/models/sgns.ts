// The skip-gram step itself, one centre/context pair at a time, updating the rows it touches in
// place, as word2vec and gensim do. Its cost is (negatives + 1) × dimensions per pair, whatever the
// catalog size. Run on the main thread or in a worker over tables in shared memory (several
// workers update the same tables without locks: "Hogwild", Recht et al. 2011 — rows rarely collide
// and a lost update is noise SGD tolerates).

/** Everything a share of an epoch needs; typed arrays only, so it crosses to a worker as is. */
export interface SgnsShare {
  /** Centre ("input") and context ("output") tables, row i at i × dimensions. */
  input: Float32Array;
  output: Float32Array;
  dimensions: number;
  /** Baskets in compressed rows (vocabulary numbers). */
  offsets: Int32Array;
  members: Int32Array;
  /** Chance of keeping each item in a basket (frequency subsampling). */
  keep: Float32Array;
  /** Items drawn as negatives in proportion to count^0.75. */
  negativeTable: Int32Array;
  negatives: number;
  contextPerItem: number;
  /** Baskets to train on, in order. */
  order: Int32Array;
  /** Learning rate at the start and end of this share (decayed linearly between). */
  rateFrom: number;
  rateTo: number;
  seed: number;
}

export interface ShareResult {
  pairs: number;
  lossSum: number;
}

const MAX_SCORE = 20;

/** Trains on a share of baskets; `onBaskets(n)` is called every few thousand baskets with the count done. */
export function trainShare(s: SgnsShare, onBaskets: (n: number) => void = () => {}): ShareResult {
  const { input, output, dimensions: d, offsets, members, keep, negativeTable, order } = s;
  const k = s.negatives;
  // xorshift32: the kernel draws several numbers per pair, a closure per draw would dominate.
  let x = s.seed >>> 0 || 0x9e3779b9;
  const random = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const hidden = new Float32Array(d);
  let kept = new Int32Array(64);
  let pairs = 0;
  let lossSum = 0;
  const tableSize = negativeTable.length;
  for (let n = 0; n < order.length; n++) {
    const b = order[n]!;
    const rate = s.rateFrom + ((s.rateTo - s.rateFrom) * n) / order.length;
    const start = offsets[b]!;
    const end = offsets[b + 1]!;
    if (end - start > kept.length) kept = new Int32Array(end - start);
    let m = 0;
    for (let i = start; i < end; i++) if (random() < keep[members[i]!]!) kept[m++] = members[i]!;
    if (m >= 2) {
      const contexts = Math.min(s.contextPerItem, m - 1);
      for (let a = 0; a < m; a++) {
        const centre = kept[a]! * d;
        for (let c = 0; c < contexts; c++) {
          let other = Math.floor(random() * (m - 1));
          if (other >= a) other++;
          hidden.fill(0);
          for (let j = 0; j <= k; j++) {
            let target: number;
            if (j === 0) target = kept[other]!;
            else {
              target = negativeTable[Math.floor(random() * tableSize)]!;
              if (target === kept[other]) continue;
            }
            const row = target * d;
            let score = 0;
            for (let t = 0; t < d; t++) score += input[centre + t]! * output[row + t]!;
            const z = Math.max(-MAX_SCORE, Math.min(MAX_SCORE, score));
            const e = Math.exp(-z);
            // Gradient of −log σ(s) (true context) or −log σ(−s) (negative), times the rate.
            const g = ((j === 0 ? 1 : 0) - 1 / (1 + e)) * rate;
            lossSum += j === 0 ? Math.log1p(e) : z + Math.log1p(e);
            for (let t = 0; t < d; t++) {
              hidden[t]! += g * output[row + t]!;
              output[row + t]! += g * input[centre + t]!;
            }
          }
          for (let t = 0; t < d; t++) input[centre + t]! += hidden[t]!;
          pairs++;
        }
      }
    }
    if ((n & 4095) === 4095) onBaskets(4096);
  }
  onBaskets(order.length & 4095);
  return { pairs, lossSum };
}
