// How likely a shopper is to look at each position at all (the position-based click model):
// estimated by expectation-maximization from how often each (query, product) was shown and clicked
// at each position, so a click at position 8 can count for more than one at position 1. Positions
// are bucketed (1, 2, 3, 4, 5, 6–10, 11–20, 21+); bucket 0 is "position unknown" (a click log
// without positions) and always counts 1.

export const POSITION_BUCKETS = 9;

export function positionBucket(position: number | undefined): number {
  if (position === undefined || !Number.isFinite(position) || position < 1) return 0;
  if (position <= 5) return position;
  if (position <= 10) return 6;
  if (position <= 20) return 7;
  return 8;
}

/**
 * Shown and clicked counts per (query, product) pair and position bucket, as columns (one row per
 * pair and bucket): typed arrays indexed by pair number, so an estimate over millions of rows
 * costs arithmetic rather than a map lookup per row and iteration.
 */
export interface ExposureTable {
  /** Pairs are numbered 0 … pairs − 1. */
  pairs: number;
  pair: Uint32Array;
  bucket: Uint8Array;
  shown: Float64Array;
  clicked: Float64Array;
}

export interface BiasOptions {
  iterations: number;
  /** Examination is never estimated below this, so no click weighs more than 1/floor. */
  floor: number;
  /** Buckets shown fewer times than this keep the prior (1). */
  minShown: number;
}

export const defaultBiasOptions: BiasOptions = { iterations: 25, floor: 0.1, minShown: 50 };

/**
 * Examination probability per bucket, relative to position 1 (so bucket 1 is 1), from exposures.
 * Standard PBM EM: P(click) = θ_bucket · γ_pair; the hidden "examined" and "attractive" are
 * inferred for the shows that were not clicked.
 */
export function estimateExamination(x: ExposureTable, o: BiasOptions = defaultBiasOptions): number[] {
  const rows = x.pair.length;
  const theta = new Float64Array(POSITION_BUCKETS).fill(0.5);
  const gamma = new Float64Array(x.pairs).fill(0.5);
  const gammaNum = new Float64Array(x.pairs);
  // How often each pair was shown: the denominator of its attractiveness, the same every iteration.
  const gammaDen = new Float64Array(x.pairs);
  const shownPerBucket = new Float64Array(POSITION_BUCKETS);
  for (let r = 0; r < rows; r++) {
    gammaDen[x.pair[r]!]! += x.shown[r]!;
    shownPerBucket[x.bucket[r]!]! += x.shown[r]!;
  }
  const thetaNum = new Float64Array(POSITION_BUCKETS);
  for (let it = 0; it < o.iterations; it++) {
    thetaNum.fill(0);
    gammaNum.fill(0);
    for (let r = 0; r < rows; r++) {
      const b = x.bucket[r]!;
      const pair = x.pair[r]!;
      const t = theta[b]!;
      const g = gamma[pair]!;
      const clicked = x.clicked[r]!;
      const notClicked = x.shown[r]! - clicked;
      const p = 1 - t * g;
      thetaNum[b]! += clicked + (p > 0 ? (notClicked * t * (1 - g)) / p : 0);
      gammaNum[pair]! += clicked + (p > 0 ? (notClicked * (1 - t) * g) / p : 0);
    }
    for (let b = 1; b < POSITION_BUCKETS; b++) if (shownPerBucket[b]! > 0) theta[b] = thetaNum[b]! / shownPerBucket[b]!;
    for (let k = 0; k < x.pairs; k++) gamma[k] = Math.min(1, gammaNum[k]! / gammaDen[k]!);
  }
  const first = theta[1]! > 0 ? theta[1]! : 1;
  return Array.from(theta, (t, b) => {
    if (b === 0 || shownPerBucket[b]! < o.minShown || shownPerBucket[1]! < o.minShown) return 1;
    return Math.min(1, Math.max(o.floor, t / first));
  });
}
