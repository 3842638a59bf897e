// Each metric against values computed by hand for a small fixture:
//   judgments a:3, b:2, c:0, d:1; ranked [c, a, x, b] (x unjudged)
//   exponential gains a=7, b=3, d=1; DCG@4 = 7/log2(3) + 3/log2(5) = 5.708538
//   ideal [a, b, d, c]: 7 + 3/log2(3) + 1/log2(4) = 9.392789; NDCG@4 = 0.607757
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  averagePrecision,
  catalogCoverage,
  dcg,
  err,
  hitRate,
  ndcg,
  popularityBias,
  precision,
  recall,
  reciprocalRank,
  searchMetrics,
  unjudged,
} from '../../eval/metrics.ts';

const j = new Map([
  ['a', 3],
  ['b', 2],
  ['c', 0],
  ['d', 1],
]);
const ranked = ['c', 'a', 'x', 'b'];
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} ≈ ${expected}`);

describe('metrics', () => {
  it('DCG and NDCG with exponential and linear gains', () => {
    close(dcg(ranked, j, 4), 5.708538);
    close(ndcg(ranked, j, 4), 0.607757);
    // linear: (3/log2(3) + 2/log2(5)) / (3 + 2/log2(3) + 1/log2(4)) = 2.754142 / 4.761860
    close(dcg(ranked, j, 4, { linear: true }), 2.754142);
    close(ndcg(ranked, j, 4, { linear: true }), 0.578375);
    close(ndcg(['a', 'b', 'd'], j, 3), 1);
  });

  it('MRR, precision, recall, AP, ERR and hit rate', () => {
    close(reciprocalRank(ranked, j, 4), 1 / 2);
    close(reciprocalRank(ranked, j, 1), 0);
    close(precision(ranked, j, 4), 2 / 4);
    close(precision(ranked, j, 10), 2 / 10); // k larger than the list still divides by k
    close(recall(ranked, j, 4), 2 / 3);
    close(averagePrecision(ranked, j, 4), (1 / 2 + 2 / 4) / 3);
    // stop probabilities c 0, a 7/8, x 0, b 3/8: 7/8/2 + (1/8)(3/8)/4
    close(err(ranked, j, 4), 0.4375 + 0.01171875);
    assert.equal(hitRate(ranked, j, 1), 0);
    assert.equal(hitRate(ranked, j, 2), 1);
    assert.equal(unjudged(ranked, j, 4), 1);
  });

  it('relevance threshold is configurable', () => {
    close(reciprocalRank(ranked, j, 4, { relevantFrom: 3 }), 1 / 2);
    close(recall(ranked, j, 4, { relevantFrom: 2 }), 2 / 2);
    close(precision(['d'], j, 1, { relevantFrom: 2 }), 0);
  });

  it('handles an empty result list, no relevant documents and ties', () => {
    for (const f of [dcg, ndcg, reciprocalRank, precision, recall, averagePrecision, err, hitRate])
      assert.equal(f([], j, 10), 0);
    const none = new Map([['a', 0]]);
    assert.equal(ndcg(['a'], none, 10), 0);
    assert.equal(recall(['a'], none, 10), 0);
    assert.equal(averagePrecision(['a'], none, 10), 0);
    const tied = new Map([
      ['p', 2],
      ['q', 2],
    ]);
    close(ndcg(['q', 'p'], tied, 2), 1); // equal grades in either order are ideal
  });

  it('catalog coverage and popularity bias of recommendation lists', () => {
    close(
      catalogCoverage(
        [
          ['a', 'b'],
          ['b', 'c'],
        ],
        10,
      ),
      0.3,
    );
    const pop = new Map([
      ['a', 10],
      ['b', 5],
      ['c', 1],
      ['d', 0],
    ]);
    // percentiles d 0, c 1/3, b 2/3, a 1
    close(popularityBias([['a', 'b']], pop), (1 + 2 / 3) / 2);
    close(popularityBias([['d', 'c']], pop), (0 + 1 / 3) / 2);
  });

  it('names the standard set with lowercase keys', () => {
    assert.deepEqual(Object.keys(searchMetrics(ranked, j, 10)), [
      'ndcg@10',
      'dcg@10',
      'mrr',
      'map@10',
      'precision@10',
      'recall@10',
      'err@10',
      'hit_rate@10',
      'unjudged@10',
    ]);
  });
});
