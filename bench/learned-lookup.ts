// What finding a query's learned click signals costs the service, per search, on the event loop:
// the signals learned from the Best Buy clicks, grown to `--items` queries (default the learner's
// SHOP_LEARNER_MAX_QUERIES) by recombining their words, so common words are as common as in the
// log. Three kinds of lookup, each against the raw floor, a Map.get of the exact key:
// - learned: a query as it was learned (exact hit);
// - unseen: a logged query with a word nobody searched, so its neighbours are looked for;
// - common words: the ten commonest learned words and a new one, the costliest query to look for.
import path from 'node:path';
import { seededRandom } from '../common/random.ts';
import { readClickLog } from '../ranking/learn/click-log.ts';
import { learnFromClicks } from '../ranking/learn/click-model.ts';
import type { LearnedSignals } from '../ranking/learn/learned.ts';
import { LearnedIndex } from '../ranking/learn/learned-lookup.ts';
import { config, dataDir, round, say } from './support.ts';

/** Mean microseconds of `f` over the inputs, after one warm-up pass. */
function timed(inputs: string[], f: (q: string) => unknown): number {
  for (const q of inputs) f(q);
  const started = process.hrtime.bigint();
  for (const q of inputs) f(q);
  return Number(process.hrtime.bigint() - started) / 1000 / inputs.length;
}

export async function learnedLookupBench(args: { items?: number }): Promise<Record<string, unknown>> {
  const size = args.items ?? config.learnerMaxQueries;
  const clicks = await readClickLog(path.join(dataDir, 'logs', 'bestbuy-xbox-dev.clicks.csv'));
  const asOf = clicks.reduce((t, c) => Math.max(t, c.time), 0);
  const learned = learnFromClicks(clicks, () => undefined, asOf);
  const random = seededRandom(1);
  const logged = [...learned.keys()];
  const words = logged.flatMap((k) => k.split(' '));
  const signals: LearnedSignals = new Map(learned);
  const sample = [...learned.values()];
  while (signals.size < size) {
    const length = logged[Math.floor(random() * logged.length)]!.split(' ').length;
    const key = Array.from({ length }, () => words[Math.floor(random() * words.length)]!).join(' ');
    signals.set(key, sample[signals.size % sample.length]!);
  }
  say(`${learned.size} queries learned from ${clicks.length} clicks, grown to ${signals.size}`);
  const index = new LearnedIndex(signals);
  const keys = [...signals.keys()];
  const frequency = new Map<string, number>();
  for (const k of keys) for (const w of new Set(k.split(' '))) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const commonest = [...frequency].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const pick = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i));
  const kinds = {
    learned: pick(2000, () => keys[Math.floor(random() * keys.length)]!),
    unseen: pick(2000, (i) => `${logged[Math.floor(random() * logged.length)]} zq${i}`),
    common_words: pick(500, (i) => `${commonest.map(([w]) => w).join(' ')} zq${i}`),
  };
  const floor = timed(kinds.learned, (q) => signals.get(q));
  const figures = Object.fromEntries(
    Object.entries(kinds).map(([kind, queries]) => {
      const us = timed(queries, index.lookup);
      return [kind, { us_per_lookup: round(us, 2), over_map_get: round(us / floor, 1) }];
    }),
  );
  return {
    bench: 'learned-lookup',
    queries: signals.size,
    commonest_word_share: round(commonest[0]![1] / keys.length, 3),
    map_get_us: round(floor, 3),
    ...figures,
  };
}
