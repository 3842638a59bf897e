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
import { compactBaskets, customerBaskets } from '../../recommender/interactions/basket-log.ts';
import { boughtTogether, countCooccurrence } from '../../recommender/models/cooccurrence.ts';
import {
  ExplainedTable,
  ListTable,
  packSignals,
  toExplainedTable,
  unpackSignals,
} from '../../recommender/models/list-table.ts';
import {
  BOUGHT,
  customerFeatures,
  FEATURES,
  featureNames,
  SIGNAL_NAMES,
} from '../../recommender/models/next-basket-features.ts';
import { explain, nextBasketExamples } from '../../recommender/models/next-basket.ts';
import { buildVocabulary } from '../../recommender/models/vocabulary.ts';
import { defaultTrainingOptions } from '../../recommender/training-options.ts';
import { basketsByCustomer, personalFrequency } from '../../recommender/models/personal-frequency.ts';

const DAY = 86_400_000;
const basket = (id: string, items: string[], time: number, user?: string): Basket => ({ id, user, time, items });
const close = (a: number, b: number, within = 1e-9) => assert.ok(Math.abs(a - b) < within, `${a} ≠ ${b}`);

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
    assert.deepEqual(explain(parts, baseline), [0, 1]);
  });
  it('always names at least the strongest signal', () => {
    const baseline = SIGNAL_NAMES.map(() => 1);
    assert.deepEqual(
      explain(
        SIGNAL_NAMES.map((_, i) => (i === 2 ? 0.9 : 0)),
        baseline,
      ),
      [2],
    );
  });
});

describe('next-basket features from compact baskets', () => {
  // u buys a every 10 days and b once; v and w buy a with n; x buys only n, after the moment asked about.
  const baskets = [
    basket('u0', ['a', 'b'], 0, 'u'),
    basket('u1', ['a'], 10 * DAY, 'u'),
    basket('u2', ['a', 'c'], 20 * DAY, 'u'),
    basket('v0', ['a', 'n'], 5 * DAY, 'v'),
    basket('w0', ['a', 'n', 'c'], 6 * DAY, 'w'),
    basket('x0', ['n', 'late'], 40 * DAY, 'x'),
  ];
  const b = compactBaskets(baskets);
  const h = { b, byCustomer: customerBaskets(b) };
  const vocab = buildVocabulary(b, 1);
  const together = {
    vocab,
    table: boughtTogether(
      vocab,
      countCooccurrence(vocab, 100),
      { ...defaultTrainingOptions.cooccurrence, minSupport: 1 },
      10,
    ),
  };
  const o = { ...defaultTrainingOptions.nextBasket.features, neighbours: 5, candidatesPerSource: 5 };
  const asOf = 30 * DAY;
  const seen = new Map<string, Map<string, Record<string, number>>>();
  customerFeatures(h, asOf, o, together, undefined, [0, 1, 2, 3], (u, items, rows) => {
    const names = featureNames();
    seen.set(
      b.users[u]!,
      new Map(
        Array.from(items, (item, r) => [
          b.items[item]!,
          Object.fromEntries(names.map((name, f) => [name, rows[r * FEATURES + f]!])),
        ]),
      ),
    );
    return true;
  });
  const u = seen.get('u')!;
  /** A feature of one of u's candidates (rows are 32-bit floats). */
  const of = (item: string, name: string) => u.get(item)![name]!;
  const near = (a: number, b: number) => close(a, b, 1e-6);
  it('describes what the customer bought: how often, how lately, whether it is due', () => {
    assert.equal(of('a', 'bought'), 1);
    near(of('a', 'baskets'), Math.log1p(3));
    near(of('a', 'share'), 1);
    assert.equal(of('a', 'inLastBasket'), 1);
    assert.equal(of('b', 'inLastBasket'), 0);
    // Bought every 10 days, last 10 days ago: due now.
    near(of('a', 'dueRatio'), 1);
    near(of('b', 'basketsSince'), Math.log1p(2));
    near(of('b', 'daysSince'), Math.log1p(30));
    // TIFU-KNN's frequency with the default decay 0.9 per basket back, over 3 baskets.
    near(of('a', 'frequency'), (1 + 0.9 + 0.81) / 3);
  });
  it('brings in what similar customers buy, and never what happened after the moment', () => {
    assert.equal(of('n', 'bought'), 0);
    assert.ok(of('n', 'neighbourShare') > 0);
    assert.ok(!u.has('late'), 'bought only after asOf');
    assert.ok(!seen.has('x'), 'a customer with no basket before asOf has no candidates');
  });
  it('scores items bought with the last basket', () => {
    assert.ok(of('n', 'withLastBasket') > 0, 'n is bought with a and c');
    assert.equal(of('a', 'customerBaskets'), of('n', 'customerBaskets'), 'context is the same for every candidate');
  });
});

describe('next-basket examples', () => {
  it('label each returning customer’s candidates by their first basket in the window', () => {
    const baskets = [
      ...[0, 1, 2, 3].map((t) => basket(`u${t}`, ['a', 'b'], t * 10 * DAY, 'u')),
      basket('u-next', ['a'], 100 * DAY, 'u'),
      basket('u-later', ['b'], 101 * DAY, 'u'),
      basket('v0', ['a', 'c'], 0, 'v'),
    ];
    const b = compactBaskets(baskets);
    const o = { ...defaultTrainingOptions.nextBasket, windowDays: 30 };
    const ex = nextBasketExamples({ b, byCustomer: customerBaskets(b) }, o, { ...defaultTrainingOptions, minCount: 1 });
    assert.deepEqual({ windows: ex.counts.windows, customers: ex.counts.customers }, { windows: 1, customers: 1 });
    const labelled = Array.from({ length: ex.count }, (_, r) => ({
      bought: ex.x[r * FEATURES + BOUGHT],
      label: ex.y[r],
    }));
    assert.equal(ex.counts.positives, 1, 'only a, from the first basket in the window');
    assert.equal(labelled.filter((l) => l.label === 1 && l.bought === 1).length, 1);
  });
});

describe('explained lists', () => {
  it('pack signals in order and read back like a map of [id, score, signals]', () => {
    const names = ['x', 'y', 'z'];
    assert.deepEqual(unpackSignals(packSignals([2, 0]), names), ['z', 'x']);
    const t = new ExplainedTable(new ListTable(['u', 'v'], ['a', 'b'], 2), names);
    t.setRow(1, [1, 0], [0.75, 0.5], [packSignals([1]), packSignals([0, 2, 1])]);
    assert.deepEqual(t.get('v'), [
      ['b', 0.75, ['y']],
      ['a', 0.5, ['x', 'z', 'y']],
    ]);
    assert.equal(t.get('u'), undefined);
    assert.deepEqual([...toExplainedTable(new Map(t))], [...t]);
  });
});
