// mapLimited: answers in order, never more calls in flight than the limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapLimited } from '../../common/limited.ts';

describe('mapLimited', () => {
  it('answers in the order of the list with at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimited([5, 1, 4, 2, 3, 0, 6], 3, async (x, i) => {
      most = Math.max(most, ++inFlight);
      await sleep(x);
      inFlight--;
      return `${i}:${x}`;
    });
    assert.deepEqual(out, ['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:6']);
    assert.equal(most, 3);
  });

  it('rejects with the first failure, and handles an empty list', async () => {
    await assert.rejects(
      mapLimited([1, 2], 4, async (x) => {
        if (x === 2) throw new Error('two');
        return x;
      }),
      /two/,
    );
    assert.deepEqual(await mapLimited([], 4, async (x) => x), []);
  });
});
