// The next-basket ranker: a small additive network (one tiny MLP per signal, their outputs summed
// into a logit, as in neural additive models, Agarwal et al., NeurIPS 2021). Each signal's MLP sees
// its own features and the customer's context, so it can learn, say, that frequency matters more
// for a customer who always reorders; because the parts add up, each item's score splits exactly
// into what each signal contributed, which is the explanation served with it.
// Trained with TensorFlow.js on (customer, candidate) rows labelled by whether the customer bought
// the candidate in their next basket; scored in plain JavaScript (a few multiply-adds per row).
import { seededRandom } from '../../common/random.ts';
import { CONTEXT, featureNames, SIGNAL_NAMES, SIGNALS, type Signal } from './next-basket-features.ts';
import { loadTf } from './tf.ts';

export interface RankerOptions {
  hidden: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

interface SignalWeights {
  signal: Signal;
  /** Feature columns it reads: its own, then the context. */
  inputs: number[];
  /** inputs × hidden, row-major. */
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number;
}

export interface RankerWeights {
  features: string[];
  mean: number[];
  std: number[];
  parts: SignalWeights[];
}

export interface Examples {
  rows: Float32Array[];
  labels: number[];
}

/** Column numbers of each signal's inputs (its features, then the context). */
function signalInputs(): { signal: Signal; inputs: number[] }[] {
  const names = featureNames();
  const context = CONTEXT.map((c) => names.indexOf(c));
  return SIGNAL_NAMES.map((signal) => ({
    signal,
    inputs: [...SIGNALS[signal].map((f) => names.indexOf(f)), ...context],
  }));
}

export async function trainRanker(ex: Examples, o: RankerOptions): Promise<RankerWeights> {
  const { tf } = await loadTf();
  const width = featureNames().length;
  const n = ex.rows.length;
  if (n === 0) throw new Error('no examples to train the next-basket ranker on');
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (const r of ex.rows) for (let f = 0; f < width; f++) mean[f]! += r[f]! / n;
  for (const r of ex.rows) for (let f = 0; f < width; f++) std[f]! += (r[f]! - mean[f]!) ** 2 / n;
  for (let f = 0; f < width; f++) std[f] = Math.sqrt(std[f]!) || 1;

  const x = new Float32Array(n * width);
  ex.rows.forEach((r, i) => {
    for (let f = 0; f < width; f++) x[i * width + f] = (r[f]! - mean[f]!) / std[f]!;
  });
  const random = seededRandom(o.seed);
  const init = (rows: number, cols: number) =>
    tf.variable(
      tf.tensor2d(
        Float32Array.from({ length: rows * cols }, () => (random() * 2 - 1) / Math.sqrt(rows)),
        [rows, cols],
      ),
    );
  const plan = signalInputs();
  const vars = plan.map((p) => ({
    ...p,
    cols: tf.tensor1d(p.inputs, 'int32'),
    w1: init(p.inputs.length, o.hidden),
    b1: tf.variable(tf.zeros([o.hidden])),
    w2: init(o.hidden, 1),
    b2: tf.variable(tf.zeros([1])),
  }));
  const optimizer = tf.train.adam(o.learningRate);
  const order = Array.from({ length: n }, (_, i) => i);
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let start = 0; start < n; start += o.batchSize) {
        const idx = order.slice(start, start + o.batchSize);
        const bx = new Float32Array(idx.length * width);
        idx.forEach((row, k) => bx.set(x.subarray(row * width, (row + 1) * width), k * width));
        const by = Float32Array.from(idx, (row) => ex.labels[row]!);
        tf.tidy(() => {
          const xs = tf.tensor2d(bx, [idx.length, width]);
          const ys = tf.tensor2d(by, [idx.length, 1]);
          optimizer.minimize(() => {
            let logit = tf.zeros([idx.length, 1]) as ReturnType<typeof tf.zeros>;
            for (const v of vars) {
              const h = tf.relu(tf.matMul(tf.gather(xs, v.cols, 1), v.w1).add(v.b1));
              logit = logit.add(tf.matMul(h, v.w2).add(v.b2));
            }
            return tf.losses.sigmoidCrossEntropy(ys, logit) as ReturnType<typeof tf.scalar>;
          });
        });
      }
    }
    const parts: SignalWeights[] = [];
    for (const v of vars)
      parts.push({
        signal: v.signal,
        inputs: v.inputs,
        w1: Array.from(await v.w1.data()),
        b1: Array.from(await v.b1.data()),
        w2: Array.from(await v.w2.data()),
        b2: (await v.b2.data())[0]!,
      });
    return { features: featureNames(), mean, std, parts };
  } finally {
    for (const v of vars) for (const t of [v.cols, v.w1, v.b1, v.w2, v.b2]) t.dispose();
    optimizer.dispose();
  }
}

/** Each signal's contribution to a row's logit (their sum is the score), in `SIGNAL_NAMES` order. */
export function contributions(w: RankerWeights, row: Float32Array): number[] {
  const x = new Float64Array(row.length);
  for (let f = 0; f < row.length; f++) x[f] = (row[f]! - w.mean[f]!) / w.std[f]!;
  const out: number[] = [];
  for (const p of w.parts) {
    const hidden = p.b1.length;
    let sum = p.b2;
    for (let h = 0; h < hidden; h++) {
      let a = p.b1[h]!;
      for (let k = 0; k < p.inputs.length; k++) a += x[p.inputs[k]!]! * p.w1[k * hidden + h]!;
      if (a > 0) sum += a * p.w2[h]!;
    }
    out.push(sum);
  }
  return out;
}
