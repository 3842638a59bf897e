// How often each (query, product) was shown and clicked at each position bucket: the evidence the
// position-bias model is estimated from. Bounded: beyond `max` pairs, the least shown go.
import { type Exposure, estimateExamination, POSITION_BUCKETS } from '../ranking/learn/position-bias.ts';

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
    const exposures: Exposure[] = [];
    for (const [key, [shown, clicked]] of this.byKey) {
      const cut = key.lastIndexOf('\u0000');
      const bucket = Number(key.slice(cut + 1));
      // A click without a recorded show (an impression outside the window) still counts as one show.
      if (bucket > 0 && bucket < POSITION_BUCKETS)
        exposures.push({ pair: key.slice(0, cut), bucket, shown: Math.max(shown, clicked), clicked });
    }
    return estimateExamination(exposures);
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
