// The click-judgment builder against the shared Best Buy data: applied to the dev clicks it gives
// back the shared dev judgments (so judgments it builds for other periods are graded the same way).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clickJudgments } from '../eval/click-judgments.ts';
import { readQrels, readQueries } from '../eval/judgments.ts';
import { readClickLog } from '../ranking/learn/click-log.ts';
import { dataFile } from './support/catalogs.ts';

describe('judgments from clicks on the shared Best Buy data', () => {
  it('reproduces the shared dev judgments from the dev clicks', async () => {
    const { queries, qrels } = clickJudgments(await readClickLog(dataFile('logs/bestbuy-xbox-dev.clicks.csv')), {
      minClicks: 3,
    });
    const sharedQueries = readQueries(dataFile('judgments/bestbuy-xbox-dev.queries.tsv'));
    const shared = readQrels(dataFile('judgments/bestbuy-xbox-dev.qrels'), sharedQueries);
    const key = (q: string) => q.replace(/\s+/g, ' ').trim().toLowerCase();
    const ours = new Map([...queries].map(([id, q]) => [key(q), qrels.get(id)!]));
    assert.equal(queries.size, sharedQueries.size);
    let same = 0;
    for (const [id, q] of sharedQueries) {
      const mine = ours.get(key(q));
      if (
        mine &&
        [...shared.get(id)!].every(([doc, grade]) => mine.get(doc) === grade) &&
        mine.size === shared.get(id)!.size
      )
        same++;
    }
    assert.equal(same, sharedQueries.size);
  });
});
