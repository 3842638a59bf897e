// The statistics of online experiments, from counts and sums an Elasticsearch aggregation returns
// (no per-shopper rows): the difference of two rates and of two means with a 95% interval and a
// two-sided p value (normal approximations, valid once each arm has a minimum sample, which the
// results enforce), and the interleaving preference with its interval.
// The paired sign-flip test of eval/compare.ts gives the same answer as `preference` on per-list
// outcomes (a unit test checks it); this closed form costs nothing at any sample size.

export interface Estimate {
  /** B minus A (for a preference: B's share of decided lists minus one half). */
  diff: number;
  ci95: [number, number];
  p_value: number;
}

const Z95 = 1.959963984540054;

/** Standard normal distribution function (erf by Abramowitz and Stegun 7.1.26, absolute error under 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

const twoSided = (z: number): number => (Number.isFinite(z) ? Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) : 0);

const estimate = (diff: number, seCi: number, seTest: number): Estimate => ({
  diff,
  ci95: [diff - Z95 * seCi, diff + Z95 * seCi],
  // No spread at all: a difference is certain, none is no evidence.
  p_value: seTest > 0 ? twoSided(diff / seTest) : diff === 0 ? 1 : 0,
});

/** Two rates, successes out of trials: the z test with the pooled rate, the interval without pooling. */
export function compareRates(successA: number, nA: number, successB: number, nB: number): Estimate {
  const pa = successA / nA;
  const pb = successB / nB;
  const pooled = (successA + successB) / (nA + nB);
  return estimate(
    pb - pa,
    Math.sqrt((pa * (1 - pa)) / nA + (pb * (1 - pb)) / nB),
    Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB)),
  );
}

/** A sample summarized as an aggregation gives it: count, sum and sum of squares. */
export interface Moments {
  n: number;
  sum: number;
  sumSquares: number;
}

const variance = (m: Moments): number =>
  m.n > 1 ? Math.max(0, (m.sumSquares - (m.sum * m.sum) / m.n) / (m.n - 1)) : 0;

/** Two means (Welch's unequal variances; normal quantiles, as both samples are large). */
export function compareMeans(a: Moments, b: Moments): Estimate {
  const se = Math.sqrt(variance(a) / a.n + variance(b) / b.n);
  return estimate(b.sum / b.n - a.sum / a.n, se, se);
}

/** Interleaved lists won by each ranking and tied (no click, or as many clicks on both). */
export interface Preferences {
  a: number;
  b: number;
  ties: number;
}

/**
 * How much B is preferred: per list +1 when B won, −1 when A won, 0 on a tie; the preference is
 * half the mean (so +0.5 means every list went to B), with the interval and test of that mean.
 */
export function preference(p: Preferences): Estimate {
  const n = p.a + p.b + p.ties;
  const mean = (p.b - p.a) / n;
  const varX = (p.a + p.b) / n - mean * mean;
  const se = Math.sqrt(Math.max(0, varX) / n);
  const e = estimate(mean, se, se);
  return { diff: e.diff / 2, ci95: [e.ci95[0] / 2, e.ci95[1] / 2], p_value: e.p_value };
}
