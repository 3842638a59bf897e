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
