// Time-decayed sums that can be added to in any order: each weight is stored as w·2^((t − EPOCH)/h),
// anchored at a fixed epoch instead of "now", so adding an event never rescales what is stored and
// the sum read at any time is the same whatever order events arrived in. Read at time `at`, a sum
// is multiplied by 2^(−(at − EPOCH)/h). float64 keeps this exact enough until about 2080 for a
// 30-day half-life (2^((2080 − 2000) × 12) < 2^1023).

/** The anchor: 2000-01-01T00:00:00Z. */
export const DECAY_EPOCH = Date.UTC(2000, 0, 1);

export interface HalfLife {
  ms: number;
}

export const halfLifeDays = (days: number): HalfLife => ({ ms: days * 86_400_000 });

/** The stored form of weight `w` at time `t`. */
export const anchored = (w: number, t: number, h: HalfLife): number => w * 2 ** ((t - DECAY_EPOCH) / h.ms);

/** What a stored sum is worth at time `at`. */
export const valueAt = (stored: number, at: number, h: HalfLife): number => stored * 2 ** (-(at - DECAY_EPOCH) / h.ms);

// Short half-lives (days) overflow float64 within years of the epoch, so sums with them are kept
// as base-2 logarithms of the anchored sum: adding never overflows, and the order of additions
// still does not matter.

/** log2 of the anchored form of a positive weight `w` at time `t`. */
export const logAnchored = (w: number, t: number, h: HalfLife): number => Math.log2(w) + (t - DECAY_EPOCH) / h.ms;

/** log2(2^a + 2^b), for adding a logAnchored weight to a stored sum (undefined: nothing yet). */
export function logAdd(a: number | undefined, b: number): number {
  if (a === undefined) return b;
  const m = Math.max(a, b);
  return m + Math.log2(2 ** (a - m) + 2 ** (b - m));
}

/** What a log-stored sum is worth at time `at`. */
export const logValueAt = (stored: number, at: number, h: HalfLife): number =>
  2 ** (stored - (at - DECAY_EPOCH) / h.ms);
