// The next-basket pieces: personal item frequency (TIFU-KNN's decays), nearest customers, the
// repeat-aware and basket-completion baselines, the validation split their parameters come from,
// and the learned ranker's explanations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cosineCooccurrenceBaseline, sessionKnnBaseline } from '../../eval/cart-baselines.ts';
import {
  nextBasketData,
  ownHistoryBaseline,
  tifuKnnBaseline,
  userKnnBaseline,
} from '../../eval/next-basket-baselines.ts';
import { best, validationSplit } from '../../eval/tuned-baselines.ts';
import type { Basket } from '../../recommender/interactions/interaction.ts';
import { mixWithNeighbours, nearestCustomers } from '../../recommender/models/customer-neighbours.ts';
import { SIGNAL_NAMES } from '../../recommender/models/next-basket-features.ts';
import { explain } from '../../recommender/models/next-basket.ts';
import { basketsByCustomer, personalFrequency } from '../../recommender/models/personal-frequency.ts';

const DAY = 86_400_000;
const basket = (id: string, items: string[], time: number, user?: string): Basket => ({ id, user, time, items });
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);

describe('personal item frequency', () => {
  const history = [basket('1', ['a'], 0), basket('2', ['a', 'b'], 1), basket('3', ['c'], 2)];
  it('with groups of one, weighs each basket by the decay per basket back', () => {
    const f = personalFrequency(history, { groupSize: 1, withinDecay: 1, acrossDecay: 0.5 });
    // Three groups of one: c 1, b 0.5, a 0.5 + 0.25; all over 3 groups.
    close(f.get('c')!, 1 / 3);
    close(f.get('b')!, 0.5 / 3);
    close(f.get('a')!, 0.75 / 3);
  });
  it('groups baskets from the most recent back and averages within a group', () => {
    const f = personalFrequency(history, { groupSize: 2, withinDecay: 0.5, acrossDecay: 0.1 });
    // Group 0 = baskets 3, 2 (weights 1, 0.5; mean over 2); group 1 = basket 1 (short: over 1) × 0.1.
    close(f.get('c')!, 1 / 2 / 2);
    close(f.get('b')!, 0.5 / 2 / 2);
    close(f.get('a')!, (0.5 / 2 + 0.1) / 2);
  });
  it('splits baskets by customer, oldest first, leaving guests out', () => {
    const by = basketsByCustomer([basket('2', ['x'], 5, 'u'), basket('1', ['y'], 1, 'u'), basket('g', ['z'], 0)]);
    assert.deepEqual([...by.keys()], ['u']);
    assert.deepEqual(
      by.get('u')!.map((b) => b.id),
      ['1', '2'],
    );
  });
});

describe('nearest customers', () => {
  const vectors = new Map([
    [
      'u1',
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    ],
    [
      'u2',
      new Map([
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ]),
    ],
    ['u3', new Map([['c', 1]])],
    ['u4', new Map([['z', 1]])],
  ]);
  it('ranks by cosine, never lists the customer itself, and skips customers sharing nothing', () => {
    const n = nearestCustomers(vectors, 5);
    assert.deepEqual(
      n.get('u1')!.map((x) => x.customer),
      ['u2'],
    );
    close(n.get('u1')![0]!.similarity, 2 / Math.sqrt(2 * 3));
    assert.deepEqual(
      n.get('u2')!.map((x) => x.customer),
      ['u1', 'u3'],
    );
    assert.deepEqual(n.get('u4'), []);
  });
  it('keeps at most k', () => assert.equal(nearestCustomers(vectors, 1).get('u2')!.length, 1));
  it("mixes a customer's own vector with the mean of their neighbours'", () => {
    const mixed = mixWithNeighbours(vectors.get('u1')!, [{ customer: 'u3', similarity: 1 }], vectors, 0.75);
    close(mixed.get('a')!, 0.75);
    close(mixed.get('c')!, 0.25);
  });
});

describe('next-basket baselines', () => {
  // u1 always buys a; u2 buys a and n; u3 buys a, n and m: TIFU-KNN lets u1 explore n.
  const before = [
    ...[0, 1, 2].map((t) => basket(`u1-${t}`, ['a'], t * DAY, 'u1')),
    ...[0, 1, 2].map((t) => basket(`u2-${t}`, ['a', 'n'], t * DAY, 'u2')),
    basket('u3-0', ['a', 'n', 'm'], 0, 'u3'),
    basket('u3-1', ['old'], DAY, 'u3'),
  ];
  const d = nextBasketData(before);
  it('own history ranks what the customer bought, most recent first', () => {
    assert.deepEqual(ownHistoryBaseline(d, { decay: 0.5 }).forUser!('u3', 2), ['old', 'a']);
  });
  it("TIFU-KNN adds what the customer's nearest neighbours buy after their own items", () => {
    const r = tifuKnnBaseline(d, { groupSize: 1, withinDecay: 1, acrossDecay: 0.9, k: 1, alpha: 0.7 });
    assert.deepEqual(r.forUser!('u1', 2), ['a', 'n']);
  });
  it('user-KNN scores items by the similarity of the customers who bought them', () => {
    const r = userKnnBaseline(d, { k: 2 });
    assert.deepEqual(r.forUser!('u1', 3), ['a', 'n', 'm']);
  });
  it('tops every list up from popularity', () => {
    assert.equal(ownHistoryBaseline(d, { decay: 0.9 }).forUser!('nobody', 3).length, 3);
  });
});

describe('basket-completion baselines', () => {
  const before = [
    ...Array.from({ length: 5 }, (_, i) => basket(`x${i}`, ['a', 'b', 'c'], i)),
    ...Array.from({ length: 5 }, (_, i) => basket(`y${i}`, ['a', 'd'], 10 + i)),
    ...Array.from({ length: 20 }, (_, i) => basket(`z${i}`, ['d', 'e'], 20 + i)),
  ];
  it('session-kNN completes a cart from the past baskets most like it', () => {
    assert.equal(sessionKnnBaseline(before, { k: 5, sample: 100 }).forCart!(['a', 'b'], 1)[0], 'c');
  });
  it('cosine co-occurrence sums each cart item’s cosine list and leaves the cart out', () => {
    const r = cosineCooccurrenceBaseline(before).forCart!(['b'], 3);
    assert.deepEqual(r.slice(0, 2), ['c', 'a']);
    assert.ok(!r.includes('b'));
  });
});

describe('validation window', () => {
  const baskets = [
    basket('1', ['a'], 0, 'u'),
    basket('2', ['b'], 10 * DAY, 'v'),
    basket('3', ['a', 'c'], 100 * DAY, 'u'),
  ];
  it('splits the training baskets themselves, days before their end, and builds the tasks on them', () => {
    const split = validationSplit(baskets, 30, 1)!;
    assert.deepEqual(
      split.before.map((b) => b.id),
      ['1', '2'],
    );
    assert.deepEqual([...split.tasks.nextBasket], [['u', ['a']]], 'only items known before the split count');
  });
  it('gives up when no customer comes back in the window', () =>
    assert.equal(validationSplit([...baskets.slice(0, 2), basket('4', ['a'], 100 * DAY, 'new')], 30, 1), undefined));
  it('picks the best score, the first of equals', () => {
    assert.deepEqual(
      best([1, 2, 3, 4], (x) => (x === 2 || x === 3 ? 5 : 0)),
      { params: 2, score: 5 },
    );
  });
});

describe('explanations', () => {
  it('names the signals that contribute more than they do on average, strongest first', () => {
    const baseline = SIGNAL_NAMES.map(() => 0);
    const parts = SIGNAL_NAMES.map((_, i) => (i === 0 ? 2 : i === 1 ? 0.5 : -1));
    assert.deepEqual(explain(parts, baseline), [SIGNAL_NAMES[0], SIGNAL_NAMES[1]]);
  });
  it('always names at least the strongest signal', () => {
    const baseline = SIGNAL_NAMES.map(() => 1);
    assert.deepEqual(
      explain(
        SIGNAL_NAMES.map((_, i) => (i === 2 ? 0.9 : 0)),
        baseline,
      ),
      [SIGNAL_NAMES[2]],
    );
  });
});
