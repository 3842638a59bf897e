import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { basketsOf, type Basket } from '../../recommender/interactions/interaction.ts';
import { blend } from '../../recommender/models/blend.ts';
import { completeCart } from '../../recommender/models/cart.ts';
import { contentNeighbours } from '../../recommender/models/content-similarity.ts';
import { boughtTogether, countCooccurrence } from '../../recommender/models/cooccurrence.ts';
import { recentItems } from '../../recommender/models/customer-profile.ts';
import { negativeTable } from '../../recommender/models/item2vec.ts';
import { popularityLists } from '../../recommender/models/popularity.ts';
import { buildVocabulary } from '../../recommender/models/vocabulary.ts';
import { train, type TrainedModel } from '../../recommender/train.ts';
import {
  assertNeighboursWithinKind,
  BAG,
  GARDEN,
  KITCHEN,
  shopInteractions,
  shopProducts,
  smallTraining,
} from '../support/baskets.ts';

const basket = (id: string, items: string[], time = 0, user?: string): Basket => ({ id, user, time, items });
const DAY = 86_400_000;

describe('co-occurrence', () => {
  const baskets = [
    ...Array.from({ length: 10 }, (_, i) => basket(`x${i}`, ['a', 'b', 'bag'])),
    ...Array.from({ length: 30 }, (_, i) => basket(`y${i}`, ['c', 'bag', `solo${i % 3}`])),
  ];
  const v = buildVocabulary(baskets, 1);
  const co = countCooccurrence(v, 100);
  it("makes items that always share a basket each other's top pick", () => {
    const t = boughtTogether(
      v,
      co,
      { scoring: 'cosine', basketWeight: 'uniform', minSupport: 2, maxBasketItems: 100 },
      5,
    );
    assert.equal(t.get('a')![0]![0], 'b');
    assert.equal(t.get('b')![0]![0], 'a');
  });
  it('keeps an item in every basket from topping lists once corrected for popularity, unlike raw counts', () => {
    const raw = boughtTogether(
      v,
      co,
      { scoring: 'count', basketWeight: 'uniform', minSupport: 2, maxBasketItems: 100 },
      5,
    );
    const cosine = boughtTogether(
      v,
      co,
      { scoring: 'cosine', basketWeight: 'uniform', minSupport: 2, maxBasketItems: 100 },
      5,
    );
    assert.equal(raw.get('solo0')![0]![0], 'bag', 'raw counts favour the ubiquitous bag');
    assert.equal(cosine.get('solo0')![0]![0], 'c');
  });
  it('with inverse-size basket weights, a pair from small baskets outranks one from a large order', () => {
    const orders = [
      ...Array.from({ length: 4 }, (_, i) => basket(`s${i}`, ['p', 'q'])),
      ...Array.from({ length: 4 }, (_, i) =>
        basket(`l${i}`, ['p', 'r', ...Array.from({ length: 30 }, (_, n) => `f${n}`)]),
      ),
    ];
    const vocab = buildVocabulary(orders, 1);
    const options = { scoring: 'cosine', minSupport: 2, maxBasketItems: 100 } as const;
    const uniform = boughtTogether(vocab, countCooccurrence(vocab, 100), { ...options, basketWeight: 'uniform' }, 50);
    const weighted = boughtTogether(
      vocab,
      countCooccurrence(vocab, 100, 'inverse-size'),
      { ...options, basketWeight: 'inverse-size' },
      50,
    );
    // Uniformly q and r tie for p (each shares 4 baskets with it); weighted, the two-item baskets win.
    assert.equal(uniform.get('p')!.find(([i]) => i === 'q')![1], uniform.get('p')!.find(([i]) => i === 'r')![1]);
    assert.equal(weighted.get('p')![0]![0], 'q');
    assert.ok(weighted.get('p')!.find(([i]) => i === 'r')![1] < weighted.get('p')![0]![1]);
  });
  it('drops pairs below the minimum support', () => {
    const t = boughtTogether(
      v,
      co,
      { scoring: 'cosine', basketWeight: 'uniform', minSupport: 11, maxBasketItems: 100 },
      5,
    );
    assert.equal(t.get('a'), undefined);
  });
});

describe('popularity and trending', () => {
  it('ranks all-time counts for popular and recent baskets for trending, also per category level', () => {
    const now = 100 * DAY;
    const baskets = [
      ...Array.from({ length: 5 }, (_, i) => basket(`o${i}`, ['old'], 0)),
      ...Array.from({ length: 3 }, (_, i) => basket(`n${i}`, ['new'], now)),
    ];
    const cats: Record<string, string[]> = { old: ['Home', 'Home > Garden'], new: ['Home'] };
    const p = popularityLists(baskets, now, 7, (i) => cats[i] ?? [], 5);
    assert.deepEqual(
      p.popular.map(([i]) => i),
      ['old', 'new'],
    );
    assert.deepEqual(
      p.trending.map(([i]) => i),
      ['new', 'old'],
    );
    assert.deepEqual(
      p.trendingByCategory.get('Home > Garden')!.map(([i]) => i),
      ['old'],
    );
    assert.deepEqual(
      p.trendingByCategory.get('Home')!.map(([i]) => i),
      ['new', 'old'],
    );
  });
});

describe('customer histories', () => {
  it('lists distinct items most recent first, at most as many as asked', () => {
    const h = recentItems(
      [basket('1', ['a', 'b'], 0, 'u'), basket('2', ['b', 'c'], 60 * DAY, 'u'), basket('3', ['z'], 0)],
      10,
    );
    assert.equal(h.size, 1, 'guests have no history');
    assert.deepEqual(h.get('u')!.slice(0, 2).sort(), ['b', 'c']);
    assert.equal(h.get('u')![2], 'a');
    assert.deepEqual(recentItems([basket('1', ['a', 'b', 'c'], 0, 'u')], 2).get('u'), ['a', 'b']);
  });
});

describe('blending and carts', () => {
  it('scales each list to its best score before weighting, and leaves out excluded items', () => {
    const out = blend(
      [
        {
          list: [
            ['x', 100],
            ['y', 50],
          ],
          weight: 1,
        },
        {
          list: [
            ['y', 1],
            ['z', 0.5],
          ],
          weight: 1,
        },
      ],
      5,
      new Set(['z']),
    );
    assert.deepEqual(out, [
      ['y', 1.5],
      ['x', 1],
    ]);
  });
  it("completes a cart from its items' lists without suggesting what is in it", () => {
    const lists: Record<string, [string, number][]> = {
      a: [
        ['b', 1],
        ['c', 0.5],
      ],
      b: [
        ['a', 1],
        ['c', 1],
      ],
    };
    const out = completeCart(
      ['a', 'b'],
      (i) => lists[i],
      () => undefined,
      { together: 1, similar: 0.3 },
      5,
    );
    assert.deepEqual(
      out.map(([i]) => i),
      ['c'],
    );
  });
});

describe('cart completion scores', () => {
  it("sums raw scores, so a weak list's best item does not outrank a strong list's", () => {
    const lists: Record<string, [string, number][]> = {
      a: [['p', 0.05]],
      b: [
        ['q', 0.6],
        ['r', 0.3],
      ],
    };
    const out = completeCart(
      ['a', 'b'],
      (i) => lists[i],
      () => undefined,
      { together: 1, similar: 0 },
      5,
    );
    assert.deepEqual(
      out.map(([i]) => i),
      ['q', 'r', 'p'],
    );
  });
});

describe('negative sampling table', () => {
  it('draws items in proportion to count^0.75', () => {
    const t = negativeTable(Int32Array.from([1, 16]), 10_000);
    const share = t.filter((i) => i === 1).length / t.length;
    assert.ok(Math.abs(share - 8 / 9) < 0.01, String(share));
  });
});

describe('content similarity', () => {
  it("finds a never-bought product's neighbours by its text", () => {
    const n = contentNeighbours(shopProducts, (id) => id === 'g-new', 3);
    assert.equal(n.get('g-new')![0]![0], 'g1', 'the garden hose');
    assert.equal(n.get('g1'), undefined, 'only wanted items get lists');
  });
});

describe('trained model on a shop with two separate kinds of goods', () => {
  let m: TrainedModel;
  before(async () => {
    m = await train({ interactions: shopInteractions(), products: shopProducts }, smallTraining);
  });
  it('learns embeddings whose nearest neighbours stay within their kind', () => {
    assertNeighboursWithinKind(m);
  });
  it('recommends customers the kind of goods they buy', () => {
    const garden = m.forUser
      .get('c0')!
      .slice(0, 5)
      .map(([i]) => i);
    const kitchen = m.forUser
      .get('c1')!
      .slice(0, 5)
      .map(([i]) => i);
    assert.ok(garden.filter((i) => GARDEN.includes(i)).length >= 4, garden.join(','));
    assert.ok(kitchen.filter((i) => KITCHEN.includes(i)).length >= 4, kitchen.join(','));
  });
  it('gives never-bought catalog items content neighbours, and records the data window and loss', () => {
    assert.ok(
      m.similar
        .get('g-new')!
        .slice(0, 3)
        .every(([i]) => GARDEN.includes(i)),
    );
    assert.equal(m.metadata.counts.coldItems, 1);
    assert.equal(m.metadata.loss.length, smallTraining.item2vec.epochs);
    assert.ok(m.metadata.loss.at(-1)! < m.metadata.loss[0]!, `loss falls: ${m.metadata.loss.join(', ')}`);
    assert.equal(m.popular[0]![0], BAG);
  });
  it('is reproducible for a seed and different for another', async () => {
    const again = await train({ interactions: shopInteractions(), products: shopProducts }, smallTraining);
    assert.deepEqual(again.embeddings.vectors, m.embeddings.vectors);
    const other = await train(
      { interactions: shopInteractions(), products: shopProducts },
      { ...smallTraining, item2vec: { ...smallTraining.item2vec, seed: 7 } },
    );
    assert.notDeepEqual(other.embeddings.vectors, m.embeddings.vectors);
  });
  it('leaves out what a customer bought when asked to', async () => {
    const m2 = await train(
      { interactions: shopInteractions(), products: shopProducts },
      { ...smallTraining, nextBasket: { ...smallTraining.nextBasket, excludePurchased: true } },
    );
    const bought = new Set(
      basketsOf(shopInteractions())
        .filter((b) => b.user === 'c0')
        .flatMap((b) => b.items),
    );
    assert.ok(m2.forUser.get('c0')!.every(([i]) => !bought.has(i)));
  });
});
