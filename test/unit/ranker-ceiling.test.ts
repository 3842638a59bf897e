// The ranker-ceiling check: its rows line up with the customers' candidates, and the orders no
// model can reach bound what the ranker and the baselines get.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../common/random.ts';
import { rankerCeiling } from '../../eval/ranker-ceiling.ts';
import { ownHistoryBaseline, nextBasketData } from '../../eval/next-basket-baselines.ts';
import type { Interaction } from '../../recommender/interactions/interaction.ts';
import { FEATURES } from '../../recommender/models/next-basket-features.ts';
import { defaultTrainingOptions } from '../../recommender/training-options.ts';

const DAY = 86_400_000;
const start = Date.parse('2024-01-01T00:00:00Z');
const cutoff = start + 200 * DAY;

/** 40 customers ordering every 5–12 days: three staples of their own, and a few items from a shared pool. */
function log(): Interaction[] {
  const random = seededRandom(7);
  const out: Interaction[] = [];
  for (let c = 0; c < 40; c++) {
    const staples = [0, 1, 2].map((s) => `s${(c * 3 + s) % 50}`);
    let n = 0;
    for (let day = random() * 10; day < 240; day += 5 + random() * 7) {
      const items = new Set(staples.filter(() => random() < 0.8));
      for (let i = 0; i < 3; i++) items.add(`p${Math.floor(random() * random() * 30)}`);
      for (const item of items)
        out.push({ user: `c${c}`, session: `c${c}-${n}`, item, kind: 'purchase', time: start + day * DAY });
      n++;
    }
  }
  return out.sort((a, b) => a.time - b.time);
}

describe('ranker ceiling', async () => {
  const all = log();
  const options = { ...defaultTrainingOptions, nextBasket: { ...defaultTrainingOptions.nextBasket, workers: 1 } };
  let seen: { train: number; rows: number; candidates: number; values: number } | undefined;
  const report = await rankerCeiling({
    train: all.filter((x) => x.time < cutoff),
    test: all.filter((x) => x.time >= cutoff),
    options,
    k: 5,
    learners: {
      // A learner told the answers: its order must be the perfect one, row for row.
      'told the labels': async (train, candidates) => {
        seen = {
          train: train.count,
          rows: train.y.length,
          candidates: candidates.count,
          values: candidates.x.length,
        };
        return Float32Array.from(candidates.y);
      },
    },
    baselines: (before) => [{ ...ownHistoryBaseline(nextBasketData(before), { decay: 0.9 }), name: 'own history' }],
  });
  const recall = (name: string, part = 'recall@5') => report.results.find((r) => r.name === name)!.metrics[part]!;

  it('hands a learner the labelled window rows and one candidate row a score', () => {
    assert.ok(seen && seen.train > 0 && seen.train === report.rows.train);
    assert.ok(seen.rows >= seen.train, 'a label for every training row');
    assert.equal(seen.values, seen.candidates * FEATURES, 'one full feature row per candidate');
    assert.equal(seen.candidates, report.rows.candidates);
    assert.equal(recall('told the labels'), recall('bought candidates first (no model can)'));
  });

  it('bounds the ranker and the baselines by the best order of the candidates', () => {
    assert.equal(report.customers, 40);
    assert.ok(report.candidate_coverage > 0.5 && report.candidate_coverage <= 1);
    const best = recall('bought candidates first (no model can)');
    for (const r of report.results) assert.ok(r.metrics['recall@5']! <= best + 1e-12, `${r.name} above the ceiling`);
    const repeats = recall('bought repeats first (no model can)', 'repeat_recall@5');
    assert.ok(repeats > 0.9);
    for (const r of report.results) assert.ok(r.metrics['repeat_recall@5']! <= repeats + 1e-12, r.name);
    assert.ok(recall('ranker (additive network)') > recall('own history') - 0.1);
    assert.ok(recall('ranker (additive network)') > 0.3);
  });
});

describe('ranker ceiling without a test period', () => {
  it('says there is nothing to measure instead of reporting zeros', async () => {
    const all = log();
    await assert.rejects(
      rankerCeiling({ train: all, test: [], options: defaultTrainingOptions, k: 5 }),
      /nothing to measure/,
    );
  });
});
