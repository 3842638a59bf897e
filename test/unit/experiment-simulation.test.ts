// The experiment simulation: the cascade model clicks what is relevant near the top, and on two
// rankings of known quality interleaving finds the worse one with far fewer sessions than A/B on
// click-through, while an A/A test rarely calls a difference.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../common/random.ts';
import {
  cascadeClicks,
  findsBWorse,
  NAVIGATIONAL,
  runExperiment,
  type SimulationInput,
} from '../../eval/experiment-simulation.ts';

// 40 queries: A ranks the relevant product first, B third; the rest of each list is irrelevant.
const input: SimulationInput = (() => {
  const rankings = new Map<string, { a: string[]; b: string[] }>();
  const grades = new Map<string, Map<string, number>>();
  for (let q = 0; q < 40; q++) {
    const r = `r${q}`;
    const junk = Array.from({ length: 9 }, (_, i) => `j${q}-${i}`);
    rankings.set(`q${q}`, { a: [r, ...junk], b: [junk[0]!, junk[1]!, r, ...junk.slice(2)] });
    grades.set(`q${q}`, new Map([[r, 3]]));
  }
  const sessions = Array.from({ length: 100 }, (_, i) => [`q${i % 40}`, `q${(i * 7) % 40}`]);
  return { sessions, rankings, grades, model: NAVIGATIONAL, size: 10 };
})();

describe('experiment simulation', () => {
  it('clicks relevant products far more often than others, and stops after a good one', () => {
    const rand = seededRandom(1);
    let relevant = 0;
    let other = 0;
    for (let i = 0; i < 2000; i++)
      for (const p of cascadeClicks(['x', 'r', 'y'], new Map([['r', 3]]), NAVIGATIONAL, rand))
        if (p === 2) relevant++;
        else other++;
    assert.ok(relevant > 1700 && other < 400, `${relevant} ${other}`);
  });

  it('finds the worse ranking with interleaving in fewer sessions than A/B on click-through', () => {
    const looks = [50, 100, 200, 400, 800, 1600, 3200];
    const power = (design: 'ab_ctr' | 'interleave') =>
      looks.map(
        (_, i) =>
          Array.from(
            { length: 20 },
            (_, s) => runExperiment(input, { design, seed: s + 1, looks, minSearches: 20 })[i],
          ).filter(findsBWorse).length / 20,
      );
    const inter = power('interleave');
    const ab = power('ab_ctr');
    const first = (p: number[]) => looks[p.findIndex((x) => x >= 0.8)] ?? Number.POSITIVE_INFINITY;
    assert.ok(first(inter) < first(ab), `interleave ${inter} vs A/B ${ab}`);
  });

  it('rarely calls a difference between a ranking and itself', () => {
    let alarms = 0;
    for (let s = 1; s <= 100; s++) {
      const [e] = runExperiment(input, {
        design: 'interleave',
        seed: s,
        looks: [400],
        minSearches: 20,
        sameRanking: true,
      });
      if (e && e.p_value < 0.05) alarms++;
    }
    assert.ok(alarms <= 12, `${alarms} of 100`);
  });
});
