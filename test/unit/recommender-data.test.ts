import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interactionsOfMessage, parseInteractionEvent } from '../../recommender/interactions/event-topic.ts';
import { basketsOf, splitAt } from '../../recommender/interactions/interaction.ts';
import { cleanRow, type RetailRow } from '../../recommender/interactions/online-retail.ts';
import { applySettings } from '../../recommender/training-settings.ts';
import { defaultTrainingOptions } from '../../recommender/training-options.ts';

const row = (o: Partial<RetailRow>): RetailRow => ({
  InvoiceNo: '536365',
  StockCode: '85123A',
  Quantity: '6',
  InvoiceDate: '2010-12-01 08:26:00',
  UnitPrice: '2.55',
  CustomerID: '17850.0',
  ...o,
});

describe('Online Retail cleaning', () => {
  it('keeps a purchase, reading the customer id without its ".0" and the date as UTC', () => {
    const v = cleanRow(row({}));
    assert.ok('keep' in v);
    assert.deepEqual(v.keep, {
      user: '17850',
      session: '536365',
      item: '85123A',
      kind: 'purchase',
      time: Date.parse('2010-12-01T08:26:00Z'),
    });
  });
  it('keeps a guest basket without a customer', () => {
    const v = cleanRow(row({ CustomerID: '' }));
    assert.ok('keep' in v && v.keep.user === undefined);
  });
  for (const [what, r, reason] of [
    ['a cancellation invoice', row({ InvoiceNo: 'C536379', Quantity: '-1' }), 'cancellations'],
    ['a negative quantity', row({ Quantity: '-12' }), 'nonPositiveQuantity'],
    ['postage', row({ StockCode: 'POST' }), 'nonProduct'],
    ['a bank charge', row({ StockCode: 'BANK CHARGES' }), 'nonProduct'],
    ['a gift voucher', row({ StockCode: 'gift_0001_20' }), 'nonProduct'],
    ['a zero price', row({ UnitPrice: '0' }), 'nonPositivePrice'],
    ['a bad date', row({ InvoiceDate: 'yesterday' }), 'malformed'],
  ] as const) {
    it(`sets aside ${what} as ${reason}`, () => assert.deepEqual(cleanRow(r), { drop: reason }));
  }
  it('keeps real products whose codes are not five digits', () =>
    assert.ok('keep' in cleanRow(row({ StockCode: 'DCGS0003' }))));
});

describe('baskets', () => {
  const x = (session: string, item: string, time: number, user?: string) => ({
    user,
    session,
    item,
    kind: 'purchase' as const,
    time,
  });
  it('groups by session, keeps first-seen item order without repeats, and sorts baskets by time', () => {
    const b = basketsOf([
      x('2', 'a', 50, 'u'),
      x('1', 'b', 10),
      x('1', 'c', 5, 'v'),
      x('1', 'b', 7),
      x('2', 'a', 60, 'u'),
    ]);
    assert.deepEqual(b, [
      { id: '1', user: 'v', time: 5, items: ['b', 'c'] },
      { id: '2', user: 'u', time: 50, items: ['a'] },
    ]);
  });
  it('splits at a cutoff so training only sees the past', () => {
    const b = basketsOf([x('1', 'a', 10), x('2', 'b', 20), x('3', 'c', 30)]);
    const { before, after } = splitAt(b, 20);
    assert.deepEqual(
      before.map((y) => y.id),
      ['1'],
    );
    assert.deepEqual(
      after.map((y) => y.id),
      ['2', '3'],
    );
  });
});

describe('interaction events', () => {
  it('reads a valid event', () => {
    assert.deepEqual(
      parseInteractionEvent('{"type":"cart","user":"u1","session":"s1","item":"p1","time":"2011-05-01T10:00:00Z"}'),
      { user: 'u1', session: 's1', item: 'p1', kind: 'cart', time: Date.parse('2011-05-01T10:00:00Z') },
    );
  });
  for (const [bad, reason] of [
    ['nope', /JSON/],
    ['{"type":"like","session":"s","item":"p","time":"2011-01-01T00:00:00Z"}', /type/],
    ['{"type":"view","session":"s","item":"","time":"2011-01-01T00:00:00Z"}', /item/],
    ['{"type":"view","item":"p","time":"2011-01-01T00:00:00Z"}', /session/],
    ['{"type":"view","session":"s","item":"p","time":"soon"}', /time/],
    ['{"type":"view","user":5,"session":"s","item":"p","time":"2011-01-01T00:00:00Z"}', /user/],
  ] as const) {
    it(`rejects ${bad.slice(0, 40)} naming ${reason}`, () => {
      const r = parseInteractionEvent(bad);
      assert.ok('error' in r && reason.test(r.error), JSON.stringify(r));
    });
  }
});

describe('shopper events as interactions', () => {
  const recorded = (e: Record<string, unknown>) =>
    JSON.stringify({ event_id: 'e1', session: 's1', received_at: '2026-01-02T03:04:05Z', ...e });
  it('reads views and clicks as views, cart adds as carts, an order as one basket of purchases', () => {
    const at = Date.parse('2026-01-02T03:04:05Z');
    assert.deepEqual(interactionsOfMessage(recorded({ type: 'click', query_id: 'q1', product: 'p1', position: 3 })), [
      { user: undefined, session: 's1', item: 'p1', kind: 'view', time: at },
    ]);
    assert.deepEqual(
      interactionsOfMessage(
        recorded({ type: 'add_to_cart', product: 'p2', customer: 'c1', time: '2026-01-01T00:00:00Z' }),
      ),
      [{ user: 'c1', session: 's1', item: 'p2', kind: 'cart', time: Date.parse('2026-01-01T00:00:00Z') }],
    );
    const order = interactionsOfMessage(
      recorded({
        type: 'purchase',
        order_id: 'o-7',
        items: [
          { product: 'p1', price: 5, quantity: 1 },
          { product: 'p3', price: 2, quantity: 4 },
        ],
      }),
    );
    assert.deepEqual(Array.isArray(order) && order.map((x) => `${x.session} ${x.item} ${x.kind}`), [
      'order:o-7 p1 purchase',
      'order:o-7 p3 purchase',
    ]);
    assert.deepEqual(interactionsOfMessage(recorded({ type: 'suggestion_click', query_id: 'q1', text: 'tv' })), []);
  });
  it('sets aside a shopper event that breaks the schema, with the reason', () => {
    const r = interactionsOfMessage(recorded({ type: 'purchase', order_id: 'o-1', items: [] }));
    assert.ok('error' in r && /items/.test(r.error), JSON.stringify(r));
  });
});

describe('training settings', () => {
  it('overrides nested options by dotted name with the right type', () => {
    const o = applySettings(defaultTrainingOptions, [
      'item2vec.epochs=2',
      'nextBasket.excludePurchased=true',
      'cooccurrence.scoring=lift',
    ]);
    assert.equal(o.item2vec.epochs, 2);
    assert.equal(o.nextBasket.excludePurchased, true);
    assert.equal(o.cooccurrence.scoring, 'lift');
    assert.equal(defaultTrainingOptions.item2vec.epochs, 5, 'defaults untouched');
  });
  for (const [bad, message] of [
    ['item2vec.epochs=many', /number/],
    ['item2vec.epoch=3', /unknown/],
    ['item2vec=3', /unknown/],
    ['nextBasket.excludePurchased=yes', /true or false/],
    ['cooccurrence.scoring=magic', /one of/],
    ['noequals', /option=value/],
  ] as const) {
    it(`rejects ${bad}`, () => assert.throws(() => applySettings(defaultTrainingOptions, [bad]), message));
  }
});
