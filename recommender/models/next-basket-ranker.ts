// The next-basket ranker: a small additive network (one tiny MLP per signal, their outputs summed
// into a logit, as in neural additive models, Agarwal et al., NeurIPS 2021). Each signal's MLP sees
// its own features and the customer's context, so it can learn, say, that frequency matters more
// for a customer who always reorders; because the parts add up, each item's score splits exactly
// into what each signal contributed, which is the explanation served with it.
// Trained with TensorFlow.js on (customer, candidate) rows labelled by whether the customer bought
// the candidate in their next basket; scored in plain JavaScript (a few multiply-adds per row).
import { seededRandom } from '../../common/random.ts';
import { CONTEXT, FEATURES, featureNames, SIGNAL_NAMES, SIGNALS, type Signal } from './next-basket-features.ts';
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

/** Feature rows (`FEATURES` a row, row-major) and their labels (1 = bought in the next basket). */
export interface Examples {
  x: Float32Array;
  y: Uint8Array;
  count: number;
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

/**
 * The per-signal networks are trained as one: a single first layer over all features whose weights
 * are masked so each signal's hidden units read only that signal's inputs, then one output unit
 * over all hidden units. That is the same model as separate networks summed (one shared output
 * bias, split evenly among the signals afterwards), in two matrix products a batch instead of a
 * gather and two products per signal.
 */
export async function trainRanker(ex: Examples, o: RankerOptions): Promise<RankerWeights> {
  const { tf } = await loadTf();
  const width = FEATURES;
  const n = ex.count;
  if (n === 0) throw new Error('no examples to train the next-basket ranker on');
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (let i = 0; i < n; i++) for (let f = 0; f < width; f++) mean[f]! += ex.x[i * width + f]! / n;
  for (let i = 0; i < n; i++) for (let f = 0; f < width; f++) std[f]! += (ex.x[i * width + f]! - mean[f]!) ** 2 / n;
  for (let f = 0; f < width; f++) std[f] = Math.sqrt(std[f]!) || 1;
  const x = new Float32Array(n * width);
  for (let i = 0; i < n; i++)
    for (let f = 0; f < width; f++) x[i * width + f] = (ex.x[i * width + f]! - mean[f]!) / std[f]!;

  const plan = signalInputs();
  const h = o.hidden;
  const units = plan.length * h;
  const random = seededRandom(o.seed);
  const mask = new Float32Array(width * units);
  const w1Init = new Float32Array(width * units);
  plan.forEach((p, s) => {
    for (const f of p.inputs)
      for (let u = s * h; u < (s + 1) * h; u++) {
        mask[f * units + u] = 1;
        w1Init[f * units + u] = (random() * 2 - 1) / Math.sqrt(p.inputs.length);
      }
  });
  const maskT = tf.tensor2d(mask, [width, units]);
  const w1 = tf.variable(tf.tensor2d(w1Init, [width, units]));
  const b1 = tf.variable(tf.zeros([units]));
  const w2 = tf.variable(
    tf.tensor2d(
      Float32Array.from({ length: units }, () => (random() * 2 - 1) / Math.sqrt(h)),
      [units, 1],
    ),
  );
  const b2 = tf.variable(tf.zeros([1]));
  const optimizer = tf.train.adam(o.learningRate);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const bx = new Float32Array(o.batchSize * width);
  const by = new Float32Array(o.batchSize);
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let start = 0; start < n; start += o.batchSize) {
        const size = Math.min(o.batchSize, n - start);
        for (let k = 0; k < size; k++) {
          const row = order[start + k]!;
          bx.set(x.subarray(row * width, (row + 1) * width), k * width);
          by[k] = ex.y[row]!;
        }
        tf.tidy(() => {
          const xs = tf.tensor2d(bx.subarray(0, size * width), [size, width]);
          const ys = tf.tensor2d(by.subarray(0, size), [size, 1]);
          optimizer.minimize(() => {
            const hidden = tf.relu(tf.matMul(xs, w1.mul(maskT)).add(b1));
            return tf.losses.sigmoidCrossEntropy(ys, tf.matMul(hidden, w2).add(b2)) as ReturnType<typeof tf.scalar>;
          });
        });
      }
    }
    const [w1v, b1v, w2v, b2v] = await Promise.all([w1.data(), b1.data(), w2.data(), b2.data()]);
    const parts: SignalWeights[] = plan.map((p, s) => ({
      signal: p.signal,
      inputs: p.inputs,
      w1: p.inputs.flatMap((f) => Array.from(w1v.subarray(f * units + s * h, f * units + (s + 1) * h))),
      b1: Array.from(b1v.subarray(s * h, (s + 1) * h)),
      w2: Array.from(w2v.subarray(s * h, (s + 1) * h)),
      b2: b2v[0]! / plan.length,
    }));
    return { features: featureNames(), mean, std, parts };
  } finally {
    for (const t of [maskT, w1, b1, w2, b2]) t.dispose();
    optimizer.dispose();
  }
}

/**
 * A function writing each signal's contribution to a row's logit (their sum is the score) into
 * `out`, in `SIGNAL_NAMES` order; it allocates nothing per row.
 */
export function contributionsOf(w: RankerWeights): (row: ArrayLike<number>, out: Float64Array) => void {
  const x = new Float64Array(w.mean.length);
  return (row, out) => {
    for (let f = 0; f < x.length; f++) x[f] = (row[f]! - w.mean[f]!) / w.std[f]!;
    w.parts.forEach((p, s) => {
      const hidden = p.b1.length;
      let sum = p.b2;
      for (let h = 0; h < hidden; h++) {
        let a = p.b1[h]!;
        for (let k = 0; k < p.inputs.length; k++) a += x[p.inputs[k]!]! * p.w1[k * hidden + h]!;
        if (a > 0) sum += a * p.w2[h]!;
      }
      out[s] = sum;
    });
  };
}
