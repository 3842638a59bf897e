// How often each (query, product) was shown and clicked at each position bucket: the evidence the
// position-bias model is estimated from. Bounded: beyond `max` pairs, the least shown go.
import { estimateExamination, type ExposureTable, POSITION_BUCKETS } from '../ranking/learn/position-bias.ts';

type Counts = [shown: number, clicked: number];

export class Exposures {
  private readonly byKey: Map<string, Counts>;
  private added = 0;

  constructor(
    private readonly max: number,
    data: [string, Counts][] = [],
  ) {
    this.byKey = new Map(data);
  }

  private counts(query: string, product: string, bucket: number): Counts {
    const key = `${query}\u0000${product}\u0000${bucket}`;
    let c = this.byKey.get(key);
    if (!c) {
      this.byKey.set(key, (c = [0, 0]));
      if (this.byKey.size > this.max * 1.1) this.prune();
    }
    return c;
  }

  shown(query: string, product: string, bucket: number): void {
    this.counts(query, product, bucket)[0]++;
    this.added++;
  }

  clicked(query: string, product: string, bucket: number): void {
    this.counts(query, product, bucket)[1]++;
    this.added++;
  }

  /** Shows and clicks recorded since the last call (to decide when the model is worth re-estimating). */
  takeAdded(): number {
    const n = this.added;
    this.added = 0;
    return n;
  }

  /** Examination per position bucket, relative to position 1. */
  examination(): number[] {
    return estimateExamination(this.table());
  }

  /** The counts as columns, pairs numbered in the order first met. */
  private table(): ExposureTable {
    const size = this.byKey.size;
    const pairOf = new Map<string, number>();
    const pair = new Uint32Array(size);
    const bucket = new Uint8Array(size);
    const shown = new Float64Array(size);
    const clicked = new Float64Array(size);
    let rows = 0;
    for (const [key, [s, c]] of this.byKey) {
      const cut = key.lastIndexOf('\u0000');
      const b = Number(key.slice(cut + 1));
      if (b <= 0 || b >= POSITION_BUCKETS) continue;
      const name = key.slice(0, cut);
      let k = pairOf.get(name);
      if (k === undefined) pairOf.set(name, (k = pairOf.size));
      pair[rows] = k;
      bucket[rows] = b;
      // A click without a recorded show (an impression outside the window) still counts as one show.
      shown[rows] = Math.max(s, c);
      clicked[rows] = c;
      rows++;
    }
    return {
      pairs: pairOf.size,
      pair: pair.subarray(0, rows),
      bucket: bucket.subarray(0, rows),
      shown: shown.subarray(0, rows),
      clicked: clicked.subarray(0, rows),
    };
  }

  private prune(): void {
    const ranked = [...this.byKey].sort((a, b) => a[1][0] - b[1][0] || (a[0] < b[0] ? -1 : 1));
    for (const [key] of ranked.slice(0, this.byKey.size - this.max)) this.byKey.delete(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  toJSON(): [string, Counts][] {
    return [...this.byKey];
  }
}
