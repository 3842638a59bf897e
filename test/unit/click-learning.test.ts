// Learning from clicks: shares with decay and smoothing, category intent, and judgments built
// from a click log with the grading of the shared Best Buy judgments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clickJudgments } from '../../eval/click-judgments.ts';
import type { Click } from '../../ranking/learn/click-log.ts';
import { learnFromClicks } from '../../ranking/learn/click-model.ts';
import { learnedKey, type LearnedSignals } from '../../ranking/learn/learned.ts';
import { learnedLookup, MAX_SCANNED } from '../../ranking/learn/learned-lookup.ts';
import { seededRandom } from '../../common/random.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2011-09-01T00:00:00Z');
const click = (query: string, product: string, daysAgo = 0): Click => ({ query, product, time: T0 - daysAgo * DAY });
const categories: Record<string, string> = { a: 'Games > Shooters', b: 'Games > Shooters', c: 'Consoles' };
const options = { halfLifeDays: 30, smoothing: 2, maxProducts: 10, maxCategories: 3, minShare: 0 };

describe('click learning', () => {
  it("shares a query's clicks among products and their categories, smoothed", () => {
    const learned = learnFromClicks(
      [click('Halo 3', 'a'), click('halo 3', 'a'), click('HALO  3!', 'c')],
      (id) => categories[id],
      T0,
      options,
    );
    const halo = learned.get(learnedKey('halo 3'))!;
    assert.deepEqual(halo.products, [
      ['a', 2 / 5],
      ['c', 1 / 5],
    ]);
    assert.deepEqual(halo.categories, [
      ['Games > Shooters', 2 / 5],
      ['Consoles', 1 / 5],
    ]);
  });

  it("halves a click's weight every half-life and ignores clicks after the learning time", () => {
    const learned = learnFromClicks(
      [click('gears', 'a', 30), click('gears', 'b', 0), click('gears', 'c', -1)],
      () => undefined,
      T0,
      { ...options, smoothing: 0 },
    );
    const [[first, s1], [second, s2]] = learned.get('gear')!.products as [[string, number], [string, number]];
    assert.deepEqual([first, second], ['b', 'a']);
    assert.ok(Math.abs(s1 / s2 - 2) < 1e-9);
    assert.equal(learned.get('gear')!.products.length, 2, 'the future click is not learned');
  });

  it('builds judgments graded by share of clicks, from a period, for queries with enough clicks', () => {
    const clicks = [
      ...['a', 'a', 'b', 'c', 'c'].map((p) => click('call of duty', p, -5)),
      click('Call  of Duty', 'a', -5),
      click('rare', 'a', -5),
      ...['a', 'b', 'c'].map((p) => click('old', p, 5)),
    ];
    const { queries, qrels } = clickJudgments(clicks, { from: T0, minClicks: 3 });
    assert.deepEqual([...queries], [['clk-1', 'call of duty']]);
    // a: 3 of 6 clicks (50%) → 3; c: 2 of 6 (33%) → 2; b: 1 of 6 → 1.
    assert.deepEqual([...qrels.get('clk-1')!].sort(), [
      ['a', 3],
      ['b', 1],
      ['c', 2],
    ]);
  });
});

describe('learned lookup', () => {
  const signals: LearnedSignals = new Map([
    ['fifa 12', { products: [['f', 0.8]], categories: [] }],
    ['gear of war 3', { products: [['g', 0.6]], categories: [['Games', 0.6]] }],
  ]);
  const lookup = learnedLookup(signals, { minSimilarity: 0.5, neighbours: 5, neighbourWeight: 0.5 });

  it('finds the query as learned, and the same letters without spaces', () => {
    assert.deepEqual(lookup('FIFA 12'), signals.get('fifa 12'));
    assert.deepEqual(lookup('fifa12'), signals.get('fifa 12'));
  });

  it('borrows from a query sharing most words, scaled by likeness and the neighbour weight', () => {
    // {gear, of, war, 3, epic} vs {gear, of, war, 3}: Jaccard 4/5; weight 0.5 × 0.8 × 0.8 / 0.8.
    const near = lookup('gears of war 3 epic')!;
    assert.equal(near.products[0]![0], 'g');
    assert.ok(Math.abs(near.products[0]![1] - 0.6 * 0.5 * 0.8) < 1e-12);
    assert.equal(lookup('war'), undefined, 'one word of four is not alike enough');
    assert.equal(lookup('dark souls'), undefined);
  });

  it('finds the same neighbours as comparing with every learned query', () => {
    const random = seededRandom(3);
    const word = () => `w${Math.floor(random() * random() * 40)}`;
    const phrase = () => Array.from({ length: 1 + Math.floor(random() * 4) }, word).join(' ');
    const all: LearnedSignals = new Map();
    for (let i = 0; i < 1500; i++) all.set(learnedKey(phrase()), { products: [[`p${i}`, random()]], categories: [] });
    const jaccard = (a: Set<string>, b: Set<string>) => {
      const shared = [...a].filter((w) => b.has(w)).length;
      return shared / (a.size + b.size - shared);
    };
    const lookup = learnedLookup(all);
    let borrowed = 0;
    for (let i = 0; i < 300; i++) {
      const q = `${phrase()} ${word()}`;
      const key = learnedKey(q);
      if (all.has(key) || all.has(key.replaceAll(' ', ''))) continue;
      const asked = new Set(key.split(' '));
      const best = [...all.keys()]
        .map((k) => ({ k, s: jaccard(asked, new Set(k.split(' '))) }))
        .filter((n) => n.s >= 0.5)
        .sort((a, b) => b.s - a.s || (a.k < b.k ? -1 : 1))
        .slice(0, 5);
      // Given only the neighbours found by brute force, the lookup must answer the same.
      const expected = learnedLookup(new Map(best.map(({ k }) => [k, all.get(k)!])))(q);
      assert.deepEqual(lookup(q), expected, q);
      if (expected) borrowed++;
    }
    assert.ok(borrowed > 50, `${borrowed} queries borrowed from neighbours`);
  });

  it('reads the rarest words first, so a common word cannot use up the reading budget', () => {
    const common: LearnedSignals = new Map();
    for (let i = 0; i < MAX_SCANNED * 2; i++) common.set(`case m${i}`, { products: [[`c${i}`, 0.5]], categories: [] });
    common.set('case zebra', { products: [['z', 0.9]], categories: [] });
    const near = learnedLookup(common)('case zebra stripes');
    assert.equal(near?.products[0]?.[0], 'z');
  });
});
