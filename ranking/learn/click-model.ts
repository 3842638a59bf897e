// What shoppers chose for each query, learned from clicks (the stats and their reading are in
// click-stats.ts; this reads a click log, positions unknown): per normalized query, the products they
// clicked and the categories of those products, each as a share of the query's clicks. Clicks
// decay with age (recent behaviour counts more) and every query gets `smoothing` pseudo-clicks on
// nothing, so a query clicked twice cannot claim the confidence of one clicked two hundred times.
import type { Click } from './click-log.ts';
import { ClickStats } from './click-stats.ts';
import { halfLifeDays } from './decay.ts';
import { defaultLearnOptions, type LearnedSignals, type LearnOptions } from './learned.ts';
import { positionBucket } from './position-bias.ts';

/** `categoryOf` gives a product's full category path; `asOf` is the time decay is measured from. */
export function learnFromClicks(
  clicks: Iterable<Click>,
  categoryOf: (id: string) => string | undefined,
  asOf: number,
  o: LearnOptions = defaultLearnOptions,
): LearnedSignals {
  const stats = new ClickStats(halfLifeDays(o.halfLifeDays));
  for (const c of clicks) if (c.time <= asOf) stats.add(c.query, c.product, c.time, positionBucket(undefined));
  return stats.signals(asOf, categoryOf, [], o);
}
