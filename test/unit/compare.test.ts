import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { comparePaired, comparisonMarkdown } from '../../eval/compare.ts';

const map = (xs: number[]) => new Map(xs.map((x, i) => [`q${i}`, x]));

describe('paired comparison', () => {
  it('finds no difference between identical runs', () => {
    const c = comparePaired(map([0.1, 0.5, 0.9]), map([0.1, 0.5, 0.9]), 'ndcg@10');
    assert.equal(c.mean_diff, 0);
    assert.deepEqual([c.wins, c.losses, c.ties], [0, 0, 3]);
    assert.equal(c.p_value, 1);
    assert.deepEqual(c.ci95, [0, 0]);
  });

  it('calls a consistent improvement significant, with a CI around the true difference', () => {
    const a = Array.from({ length: 40 }, (_, i) => 0.3 + (i % 7) * 0.05);
    const b = a.map((x, i) => x + 0.1 + (i % 3) * 0.01);
    const c = comparePaired(map(a), map(b), 'ndcg@10');
    assert.ok(Math.abs(c.mean_diff - (0.1 + (13 * 0.01 + 13 * 0.02) / 40)) < 1e-9);
    assert.ok(c.p_value < 0.001, String(c.p_value));
    assert.ok(c.ci95[0] > 0.1 && c.ci95[1] < 0.12, JSON.stringify(c.ci95));
    assert.equal(c.wins, 40);
  });

  it('does not call noise significant, and names the queries that got much worse', () => {
    const a = [0.5, 0.6, 0.7, 0.8, 0.4, 0.9];
    const b = [0.55, 0.45, 0.75, 0.85, 0.2, 0.9];
    const c = comparePaired(map(a), map(b), 'mrr');
    assert.ok(c.p_value > 0.2, String(c.p_value));
    assert.deepEqual(
      c.much_worse.map((w) => w.id),
      ['q4', 'q1'],
    );
    assert.match(comparisonMarkdown(c, 'A', 'B'), /Much worse \(by 0\.1 or more\): q4 \(0\.4000 → 0\.2000\)/);
  });

  it('compares only the queries both runs have, and refuses runs with none in common', () => {
    const c = comparePaired(
      new Map([
        ['x', 1],
        ['y', 0],
      ]),
      new Map([
        ['y', 1],
        ['z', 0],
      ]),
      'mrr',
    );
    assert.equal(c.queries, 1);
    assert.throws(() => comparePaired(new Map([['x', 1]]), new Map([['y', 1]]), 'mrr'), /no query in common/);
  });
});
