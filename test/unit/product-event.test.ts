import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEvent } from '../../indexer/event.ts';

const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const reasonOf = (value: unknown, key: string | null = null, max = 10000) => {
  const r = parseEvent(buf(value), key === null ? null : Buffer.from(key), max);
  return r.ok ? 'ok' : r.reason;
};

describe('product event parsing', () => {
  it('accepts each op in its documented form', () => {
    assert.equal(
      reasonOf(
        {
          op: 'upsert',
          id: 'a',
          version: 1,
          ts: '2024-01-01T00:00:00Z',
          priority: 'high',
          product: { id: 'a', title: 'A', price: 3, categories: ['X', 'Y'] },
        },
        'a',
      ),
      'ok',
    );
    assert.equal(reasonOf({ op: 'patch', id: 'a', version: 2, fields: { price: 2.5, list_price: null } }), 'ok');
    assert.equal(reasonOf({ op: 'delete', id: 'a', version: 3 }), 'ok');
  });

  const bad: [string, unknown, RegExp, (string | null)?, number?][] = [
    ['broken JSON', '{"op":', /invalid JSON/],
    ['an unknown op', { op: 'merge', id: 'a', version: 1 }, /\/op must be equal to one of/],
    ['an upsert without product', { op: 'upsert', id: 'a', version: 1 }, /required property 'product'/],
    ['a patch without fields', { op: 'patch', id: 'a', version: 1 }, /required property 'fields'/],
    ['an empty patch', { op: 'patch', id: 'a', version: 1, fields: {} }, /fields must NOT have fewer than 1/],
    [
      'a patch of an unknown field',
      { op: 'patch', id: 'a', version: 1, fields: { colour: 'red' } },
      /additional properties: colour/,
    ],
    ['a negative version', { op: 'delete', id: 'a', version: -1 }, /version must be >= 0/],
    ['a fractional version', { op: 'delete', id: 'a', version: 1.5 }, /version must be integer/],
    [
      'a product without title',
      { op: 'upsert', id: 'a', version: 1, product: { id: 'a' } },
      /required property 'title'/,
    ],
    ['a negative price', { op: 'patch', id: 'a', version: 1, fields: { price: -1 } }, /price/],
    [
      'a price too large to be a number',
      '{"op":"patch","id":"a","version":1,"fields":{"price":1e400}}',
      /price must be number/,
    ],
    ['a rating above 5', { op: 'patch', id: 'a', version: 1, fields: { rating: 7 } }, /rating/],
    ['an id with a slash', { op: 'delete', id: 'a/b', version: 1 }, /\/id must match pattern/],
    ['an unknown top-level field', { op: 'delete', id: 'a', version: 1, extra: true }, /additional properties: extra/],
    [
      'a product id that differs from the event id',
      { op: 'upsert', id: 'a', version: 1, product: { id: 'b', title: 'B' } },
      /differs from event id/,
    ],
    ['a key that differs from the event id', { op: 'delete', id: 'a', version: 1 }, /message key "z" differs/, 'z'],
    [
      'an oversized event',
      { op: 'upsert', id: 'a', version: 1, product: { id: 'a', title: 'x'.repeat(500) } },
      /exceeds the limit of 100/,
      null,
      100,
    ],
  ];
  for (const [what, value, reason, key, max] of bad) {
    it(`rejects ${what} with a reason`, () => assert.match(reasonOf(value, key ?? null, max), reason));
  }

  it('rejects an empty message', () => {
    const r = parseEvent(null, null, 100);
    assert.equal(r.ok, false);
  });
});
