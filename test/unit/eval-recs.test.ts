// The recommendation runner's measurements on a hand-computed fixture, and its report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportHtml, reportMarkdown } from '../../eval/report-html.ts';
import { measure, type RecsEvalReport, type Recommender, type RecsTasks } from '../../eval/runners/recs.ts';
import type { Basket } from '../../recommender/interactions/interaction.ts';

// Bought a ×5, b ×4, c ×3, d ×2, e ×1: popularity percentiles a 1, b .75, c .5, d .25, e 0.
const counts: [string, number][] = [
  ['a', 5],
  ['b', 4],
  ['c', 3],
  ['d', 2],
  ['e', 1],
];
const before: Basket[] = counts.flatMap(([item, n]) =>
  Array.from({ length: n }, (_, i) => ({ id: `${item}${i}`, user: 'u0', time: i, items: [item] })),
);
const tasks: RecsTasks = {
  nextBasket: new Map([
    ['u1', ['a', 'e']],
    ['u2', ['c']],
  ]),
  completion: [{ id: 'x', user: 'u1', cart: ['a'], hidden: 'b' }],
  // u1 bought a before (so a is a repeat target, e an explore one); u2 is new to everything.
  bought: new Map([['u1', new Set(['a', 'b'])]]),
};
const fixed: Recommender = {
  name: 'fixed',
  trainSeconds: 0,
  forUser: (user) => (user === 'u1' ? ['a', 'b'] : ['d']),
  forCart: () => ['b', 'c'],
};

describe('recommendation measurements', () => {
  const { metrics, perUser, byPopularity } = measure(fixed, tasks, before, { next: 2, completion: 2 });

  it('averages next-basket recall and linear-gain NDCG over customers', () => {
    assert.deepEqual(
      [...perUser],
      [
        ['u1', 0.5],
        ['u2', 0],
      ],
    );
    assert.equal(metrics['recall@2'], 0.25);
    // u1: DCG 1 over ideal 1 + 1/log2(3); u2: 0.
    assert.ok(Math.abs(metrics['ndcg@2']! - 1 / (1 + 1 / Math.log2(3)) / 2) < 1e-12);
  });

  it('counts a completion hit when the hidden item is listed', () => assert.equal(metrics['hit_rate@2'], 1));

  it('splits every metric into repeat and explore targets, averaged over the customers who have them', () => {
    // u1: repeat target a (found), explore target e (missed); u2 bought nothing before: c is explore (missed).
    assert.equal(metrics['repeat_recall@2'], 1);
    assert.equal(metrics['explore_recall@2'], 0);
    assert.equal(metrics['repeat_ndcg@2'], 1);
    assert.equal(metrics['repeat_share@2'], (1 + 0) / 2, 'u1 is shown only repeats, u2 none');
    assert.equal(metrics['repeat_hit_rate@2'], 1, "the hidden b is in u1's history");
    assert.equal(metrics['explore_hit_rate@2'], 0, 'no explore carts: 0, not NaN');
  });

  it('measures only the tasks a recommender answers', () => {
    const cartOnly = measure({ name: 'c', trainSeconds: 0, forCart: () => ['b'] }, tasks, before, {
      next: 2,
      completion: 2,
    });
    assert.equal(cartOnly.metrics['recall@2'], undefined);
    assert.equal(cartOnly.metrics['hit_rate@2'], 1);
  });

  it('measures coverage of the catalog and the mean popularity percentile shown', () => {
    assert.equal(metrics.coverage, 4 / 5);
    assert.equal(metrics.popularity_bias, (1 + 0.75 + 0.25 + 0.75 + 0.5) / 5);
  });

  it("splits recall by the target items' popularity quintile", () => {
    assert.deepEqual(byPopularity, [
      { bucket: '0–20%', targets: 1, recall: 0 },
      { bucket: '20–40%', targets: 0, recall: 0 },
      { bucket: '40–60%', targets: 1, recall: 0 },
      { bucket: '60–80%', targets: 0, recall: 0 },
      { bucket: '80–100%', targets: 1, recall: 1 },
    ]);
  });

  it('renders a report with a per-recommender table and the recall-by-popularity chart', async () => {
    const report: RecsEvalReport = {
      runner: 'recs',
      test_from: '2011-08-01T00:00:00.000Z',
      train: { interactions: 15, baskets: 15 },
      tasks: { next_basket_customers: 2, completion_baskets: 1 },
      k: { next_basket: 2, completion: 2 },
      results: [{ name: 'fixed', metrics, train_seconds: 0, recall_by_popularity: byPopularity }],
      per_user: [],
      metadata: {} as RecsEvalReport['metadata'],
    };
    const html = await reportHtml(report, 'eval recs');
    assert.equal((html.match(/<svg /g) ?? []).length, 2);
    assert.match(html, /recall@2 by the target item&#39;s popularity/);
    assert.match(html, /<td>fixed<\/td><td>0\.2500<\/td>/);
    assert.doesNotMatch(html, /<script/);
    assert.match(
      reportMarkdown(report, 'r'),
      /\| fixed \| 0\.2500 \| 1\.0000 \| 0\.0000 \| 0\.3066 \| 1\.0000 \| 0\.0000 \| 0\.5000 \| 1\.0000 \| 1\.0000 \| 0\.0000 \| 0\.8000 \| 0\.6500 \|/,
    );
  });
});
