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

/** Shown and clicked counts of one (query, product) at one position bucket. */
export interface Exposure {
  pair: string;
  bucket: number;
  shown: number;
  clicked: number;
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
export function estimateExamination(exposures: readonly Exposure[], o: BiasOptions = defaultBiasOptions): number[] {
  const theta = Array.from({ length: POSITION_BUCKETS }, () => 0.5);
  const gamma = new Map<string, number>();
  const shownPerBucket = new Array<number>(POSITION_BUCKETS).fill(0);
  for (const e of exposures) {
    gamma.set(e.pair, 0.5);
    shownPerBucket[e.bucket]! += e.shown;
  }
  for (let it = 0; it < o.iterations; it++) {
    const thetaNum = new Array<number>(POSITION_BUCKETS).fill(0);
    const gammaNum = new Map<string, number>();
    const gammaDen = new Map<string, number>();
    for (const e of exposures) {
      const t = theta[e.bucket]!;
      const g = gamma.get(e.pair)!;
      const notClicked = e.shown - e.clicked;
      const p = 1 - t * g;
      thetaNum[e.bucket]! += e.clicked + (p > 0 ? (notClicked * t * (1 - g)) / p : 0);
      gammaNum.set(e.pair, (gammaNum.get(e.pair) ?? 0) + e.clicked + (p > 0 ? (notClicked * (1 - t) * g) / p : 0));
      gammaDen.set(e.pair, (gammaDen.get(e.pair) ?? 0) + e.shown);
    }
    for (let b = 1; b < POSITION_BUCKETS; b++) if (shownPerBucket[b]! > 0) theta[b] = thetaNum[b]! / shownPerBucket[b]!;
    for (const [pair, num] of gammaNum) gamma.set(pair, Math.min(1, num / gammaDen.get(pair)!));
  }
  const first = theta[1]! > 0 ? theta[1]! : 1;
  return theta.map((t, b) => {
    if (b === 0 || shownPerBucket[b]! < o.minShown || shownPerBucket[1]! < o.minShown) return 1;
    return Math.min(1, Math.max(o.floor, t / first));
  });
}
