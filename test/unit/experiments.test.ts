// Experiments as pure functions: validation names the field, assignment is stable and splits
// traffic as configured, team-draft interleaving is fair and credits clicks to the right ranking,
// and the online statistics agree with textbook values and with eval/compare's paired test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../common/random.ts';
import { comparePaired } from '../../eval/compare.ts';
import { compareMeans, compareRates, normalCdf, preference } from '../../eval/online-stats.ts';
import { assign, overlaps, stableUnit } from '../../ranking/experiments/assign.ts';
import { type Experiment, validateExperiment } from '../../ranking/experiments/experiment.ts';
import { preferenceOf, teamDraft } from '../../ranking/experiments/interleave.ts';

const PROFILES = ['default', 'plain'];
const ab = (over: Record<string, unknown> = {}): Experiment =>
  validateExperiment(
    {
      id: 'x1',
      name: 'plain vs default',
      design: 'ab',
      variants: [{ name: 'control' }, { name: 'plain', profile: 'plain' }],
      ...over,
    },
    PROFILES,
  );

describe('experiment validation', () => {
  it('fills defaults and names the bad field', () => {
    const x = ab();
    assert.equal(x.surface, 'search');
    assert.equal(x.traffic, 1);
    assert.throws(() => ab({ traffic: 2 }), { field: 'traffic' });
    assert.throws(() => ab({ variants: [{ name: 'a' }] }), { field: 'variants' });
    assert.throws(() => ab({ variants: [{ name: 'a' }, { name: 'a' }] }), { field: 'variants.1.name' });
    assert.throws(() => ab({ variants: [{ name: 'a' }, { name: 'b', profile: 'nope' }] }), {
      field: 'variants.1.profile',
    });
    assert.throws(() => ab({ variants: [{ name: 'a' }, { name: 'b', rules: { mode: 'only' } }] }), {
      field: 'variants.1.rules.ids',
    });
    assert.throws(() => ab({ start: '2026-01-02T00:00:00Z', end: '2026-01-01T00:00:00Z' }), { field: 'end' });
    assert.throws(() => ab({ colour: 'red' }), { field: 'colour' });
    assert.throws(() => ab({ design: 'interleave', variants: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }), {
      field: 'variants',
    });
    assert.throws(() => ab({ surface: 'suggest' }), { field: 'variants.1' });
  });
});

describe('assignment', () => {
  it('keeps a session in one variant and splits sessions evenly', () => {
    const x = ab();
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const a = assign([x], 'search', `s${i}`, Date.now())!;
      assert.equal(assign([x], 'search', `s${i}`, Date.now())!.label, a.label, 'stable');
      counts.set(a.label, (counts.get(a.label) ?? 0) + 1);
    }
    assert.ok(Math.abs(counts.get('control')! - 2000) < 150, `${[...counts]}`);
  });

  it('takes only the traffic share, only while running, only with a session', () => {
    const x = ab({ traffic: 0.2, start: '2026-01-01T00:00:00Z', end: '2026-02-01T00:00:00Z' });
    const during = Date.parse('2026-01-15T00:00:00Z');
    let inside = 0;
    for (let i = 0; i < 5000; i++) if (assign([x], 'search', `s${i}`, during)) inside++;
    assert.ok(Math.abs(inside - 1000) < 100, `${inside}`);
    assert.equal(assign([x], 'search', 's1', Date.parse('2026-03-01T00:00:00Z')), undefined);
    assert.equal(assign([x], 'search', undefined, during), undefined);
    assert.equal(assign([x], 'suggest', 's1', during), undefined);
    assert.equal(assign([{ ...x, stopped_at: '2026-01-10T00:00:00Z' }], 'search', 's1', during), undefined);
  });

  it('spreads unit values uniformly and tells overlapping experiments apart', () => {
    const u = Array.from({ length: 10000 }, (_, i) => stableUnit('x', String(i)));
    assert.ok(u.every((v) => v >= 0 && v < 1));
    assert.ok(Math.abs(u.filter((v) => v < 0.5).length - 5000) < 200);
    const jan = ab({ id: 'jan', start: '2026-01-01T00:00:00Z', end: '2026-02-01T00:00:00Z' });
    const feb = ab({ id: 'feb', start: '2026-02-01T00:00:00Z' });
    assert.equal(overlaps(jan, feb), false);
    assert.equal(overlaps(jan, ab({ id: 'open' })), true);
  });
});

describe('team-draft interleaving', () => {
  it('takes each ranking in turn, never repeats a product, and keeps each ranking in order', () => {
    const a = ['1', '2', '3', '4', '5'];
    const b = ['3', '6', '1', '7', '8'];
    const m = teamDraft(a, b, 8, 'seed');
    assert.equal(new Set(m.ids).size, m.ids.length);
    assert.equal(m.ids.length, 8);
    // Team sizes never differ by more than one at any prefix.
    for (let k = 1; k <= m.teams.length; k++) {
      const t = m.teams.slice(0, k);
      assert.ok(Math.abs(t.filter((x) => x === 0).length - t.filter((x) => x === 1).length) <= 1);
    }
    const fromA = m.ids.filter((_, i) => m.teams[i] === 0);
    assert.deepEqual(
      fromA,
      [...fromA].sort((x, y) => a.indexOf(x) - a.indexOf(y)),
    );
    assert.deepEqual(teamDraft(a, b, 8, 'seed'), m, 'the seed fixes the coin');
  });

  it('gives each ranking the first slot half the time, and identical rankings never prefer one', () => {
    let firstA = 0;
    for (let i = 0; i < 2000; i++) if (teamDraft(['x', 'y'], ['y', 'x'], 2, `q${i}`).teams[0] === 0) firstA++;
    assert.ok(Math.abs(firstA - 1000) < 100, `${firstA}`);
    const same = teamDraft(['1', '2', '3'], ['1', '2', '3'], 3, 's');
    assert.deepEqual(same.ids, ['1', '2', '3']);
  });

  it('credits clicks to the team that contributed the product', () => {
    assert.equal(preferenceOf([0, 1, 0, 1], [2]), 'b');
    assert.equal(preferenceOf([0, 1, 0, 1], [1, 3, 2]), 'a');
    assert.equal(preferenceOf([0, 1], [1, 2]), 'tie');
    assert.equal(preferenceOf([0, 1], []), 'tie');
    assert.equal(preferenceOf([0, 1], [1, 1, 1, 2]), 'tie', 'a product clicked twice counts once');
  });
});

describe('online statistics', () => {
  it('has the normal distribution function', () => {
    assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
    assert.ok(Math.abs(normalCdf(-1) - 0.158655) < 1e-6);
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-8);
  });

  it('compares two rates as the textbook two-proportion z test', () => {
    // 120/1000 vs 150/1000: pooled z = 0.03 / sqrt(0.135·0.865·0.002) = 1.9631, p = 0.0496.
    const e = compareRates(120, 1000, 150, 1000);
    assert.ok(Math.abs(e.diff - 0.03) < 1e-12);
    assert.ok(Math.abs(e.p_value - 0.0496) < 2e-4, `${e.p_value}`);
    // Unpooled se = sqrt(0.12·0.88/1000 + 0.15·0.85/1000) = 0.015264.
    assert.ok(Math.abs(e.ci95[0] - (0.03 - 1.96 * 0.015264)) < 1e-4, `${e.ci95}`);
    assert.ok(compareRates(100, 1000, 100, 1000).p_value > 0.9999);
  });

  it('compares two means from counts, sums and sums of squares', () => {
    const sample = (xs: number[]) => ({
      n: xs.length,
      sum: xs.reduce((s, x) => s + x, 0),
      sumSquares: xs.reduce((s, x) => s + x * x, 0),
    });
    const r = seededRandom(3);
    const a = Array.from({ length: 2000 }, () => r() * 10);
    const b = Array.from({ length: 2000 }, () => r() * 10 + 1);
    const e = compareMeans(sample(a), sample(b));
    assert.ok(Math.abs(e.diff - 1) < 0.3 && e.p_value < 1e-6);
    assert.ok(compareMeans(sample(a), sample(a)).p_value > 0.99);
  });

  it('gives the interleaving preference the p value of eval/compare’s paired sign-flip test', () => {
    const p = { a: 70, b: 100, ties: 230 };
    const e = preference(p);
    assert.ok(Math.abs(e.diff - 30 / 400 / 2) < 1e-12);
    const outcomes = [...Array(p.a).fill(-1), ...Array(p.b).fill(1), ...Array(p.ties).fill(0)];
    const zero = new Map(outcomes.map((_, i) => [String(i), 0]));
    const diffs = new Map(outcomes.map((x, i) => [String(i), x as number]));
    const paired = comparePaired(zero, diffs, 'preference', { seed: 7 });
    assert.ok(Math.abs(paired.p_value - e.p_value) < 0.01, `${paired.p_value} vs ${e.p_value}`);
    assert.ok(Math.abs(paired.ci95[0] / 2 - e.ci95[0]) < 0.01);
  });
});
