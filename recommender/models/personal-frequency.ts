// A customer's personal item frequency, decayed over their own basket sequence (TIFU-KNN, Hu et
// al., SIGIR 2020): baskets are grouped `groupSize` at a time from the most recent one back; inside
// a group each basket counts `withinDecay`^(baskets after it in the group), groups count
// `acrossDecay`^(groups after it). Decay is per basket, not per day, so a customer who orders
// weekly and one who orders twice a year are read on the same scale. Group size 1 is the plain
// recency-decayed history (`acrossDecay` per basket back).
import type { Basket } from '../interactions/interaction.ts';

export interface FrequencyOptions {
  groupSize: number;
  withinDecay: number;
  acrossDecay: number;
}

/** Each customer's baskets, oldest first (baskets without a customer are left out). */
export function basketsByCustomer(baskets: readonly Basket[]): Map<string, Basket[]> {
  const out = new Map<string, Basket[]>();
  for (const b of baskets) {
    if (b.user === undefined) continue;
    let list = out.get(b.user);
    if (!list) out.set(b.user, (list = []));
    list.push(b);
  }
  for (const list of out.values()) list.sort((a, b) => a.time - b.time);
  return out;
}

/** The weight of a customer's basket `back` baskets before their most recent, of `n`. */
export function basketWeight(back: number, n: number, o: FrequencyOptions): number {
  const groups = Math.ceil(n / o.groupSize);
  const group = Math.floor(back / o.groupSize);
  // The oldest group may be short: its mean is over the baskets it has.
  const size = group === groups - 1 ? n - group * o.groupSize : o.groupSize;
  return (o.withinDecay ** (back % o.groupSize) * o.acrossDecay ** group) / size / groups;
}

/** Item → decayed frequency, from a customer's baskets oldest first. */
export function personalFrequency(history: readonly Basket[], o: FrequencyOptions): Map<string, number> {
  const out = new Map<string, number>();
  const n = history.length;
  for (let back = 0; back < n; back++) {
    const w = basketWeight(back, n, o);
    for (const item of history[n - 1 - back]!.items) out.set(item, (out.get(item) ?? 0) + w);
  }
  return out;
}
