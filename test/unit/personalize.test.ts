// Personal re-ranking: bounded climbs, the best match and pins in place, nothing moved without data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { personalize } from '../../ranking/personalize.ts';

const hits = (...ids: string[]) => ids.map((id) => ({ id, ...(id.startsWith('P') ? { pinned: true } : {}) }));
const ids = (r: { hits: { id: string }[] }) => r.hits.map((h) => h.id);
const o = { maxShift: 3, depth: 24 };

describe('personalize', () => {
  it('lets a close product climb at most maxShift places, never past the best match', () => {
    const r = personalize(hits('a', 'b', 'c', 'd', 'e', 'f'), new Map([['f', 1]]), o);
    assert.deepEqual(ids(r), ['a', 'b', 'f', 'c', 'd', 'e']);
    assert.equal(r.moved, 4);
    assert.deepEqual(
      ids(personalize(hits('a', 'b', 'c'), new Map([['c', 1]]), o)),
      ['a', 'c', 'b'],
      'the best match stays first',
    );
  });

  it('keeps pinned products in their places and only reorders within depth', () => {
    const r = personalize(
      hits('P1', 'a', 'b', 'P2', 'c', 'd', 'e'),
      new Map([
        ['c', 1],
        ['e', 1],
      ]),
      { maxShift: 3, depth: 6 },
    );
    assert.deepEqual(ids(r), ['P1', 'a', 'c', 'P2', 'b', 'd', 'e']);
  });

  it('moves nothing for dissimilar or unknown products, or when turned off', () => {
    const list = hits('a', 'b', 'c', 'd');
    assert.deepEqual(ids(personalize(list, new Map([['d', -1]]), o)), ['a', 'b', 'c', 'd']);
    assert.deepEqual(ids(personalize(list, new Map([['d', 1]]), { ...o, maxShift: 0 })), ['a', 'b', 'c', 'd']);
    assert.equal(personalize(list, new Map(), o).moved, 0);
  });
});
