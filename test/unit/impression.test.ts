// Reading the impressions topic: what the learner and the analytics consumer accept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImpression } from '../../events/impression.ts';

const good = { query_id: 'a1b2', ts: '2026-11-30T10:00:00.000Z', kind: 'search', ids: ['p1'] };
const read = (x: unknown) => parseImpression(Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)));

describe('impressions topic messages', () => {
  it('accepts a sound impression and refuses what a reader cannot use', () => {
    assert.deepEqual(read(good), good);
    assert.equal(read({ ...good, ts: 'yesterday' }), undefined, 'a time that does not parse');
    assert.equal(read({ ...good, query_id: 'x'.repeat(65) }), undefined, 'too long for a document id');
    assert.equal(read({ ...good, query_id: 'a/b' }), undefined);
    assert.equal(read({ ...good, ids: 'p1' }), undefined);
    assert.equal(read('{"query_id":'), undefined, 'not JSON');
    assert.equal(parseImpression(null), undefined, 'empty message');
  });
});
