// The learner's pure parts: decayed sums in any order, the suggestion privacy rule and weights,
// the rails' trending and bought-together lists, the position-bias model.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordedEvent } from '../../events/shopper-event.ts';
import { Exposures } from '../../learner/exposures.ts';
import { RailSignals, defaultRailLimits } from '../../learner/rail-signals.ts';
import { SuggestionSignals, defaultSuggestionWeights } from '../../learner/suggestion-signals.ts';
import { halfLifeDays, logAdd, logAnchored, logValueAt } from '../../ranking/learn/decay.ts';
import { positionBucket } from '../../ranking/learn/position-bias.ts';

const DAY = 86_400_000;
const T = Date.parse('2026-11-29T00:00:00Z');

describe('log-stored decayed sums', () => {
  it('add up to the same value in any order, decades after the epoch, with a half-life of days', () => {
    const h = halfLifeDays(3);
    const parts = [1, 2, 3, 4].map((w, i) => logAnchored(w, T - i * DAY, h));
    const forward = parts.reduce<number | undefined>((s, x) => logAdd(s, x), undefined)!;
    const backward = [...parts].reverse().reduce<number | undefined>((s, x) => logAdd(s, x), undefined)!;
    const expected = [1, 2, 3, 4].reduce((s, w, i) => s + w * 0.5 ** (i / 3), 0);
    assert.ok(Number.isFinite(forward));
    assert.ok(Math.abs(logValueAt(forward, T, h) - expected) < 1e-9);
    assert.ok(Math.abs(logValueAt(backward, T, h) - expected) < 1e-9);
    assert.ok(Math.abs(logValueAt(forward, T + 3 * DAY, h) - expected / 2) < 1e-9, 'halves every half-life');
  });
});

describe('suggestion signals', () => {
  const limits = { minUsers: 2, maxQueries: 1000, maxSeen: 1000 };
  const none = new Set<string>();

  it('suggest a query once two shoppers searched it, or once every word is vouched for', () => {
    const s = new SuggestionSignals(limits);
    s.searched('Acme Widget', 'a', 5, T, defaultSuggestionWeights);
    assert.deepEqual(s.take(T, none, defaultSuggestionWeights), [], 'one shopper is not enough');
    s.searched('acme widget', 'a', 5, T + 1, defaultSuggestionWeights);
    assert.deepEqual(s.take(T, none, defaultSuggestionWeights), [], 'the same shopper twice is still one');
    s.searched('acme  widget', 'b', 5, T + 2, defaultSuggestionWeights);
    assert.deepEqual(
      s.take(T, none, defaultSuggestionWeights).map((x) => x.text),
      ['acme widget'],
    );
    s.searched('widget 3000', 'c', 5, T, defaultSuggestionWeights);
    assert.deepEqual(
      s.take(T, new Set(['3000']), defaultSuggestionWeights).map((x) => x.text),
      ['widget 3000'],
      'widget: two shoppers; 3000: the catalog',
    );
  });

  it('weigh shopper-days, recent ones more, and sink queries that find nothing or are never clicked', () => {
    const w = { ...defaultSuggestionWeights, unclickedAfter: 2 };
    const s = new SuggestionSignals(limits);
    for (const [q, total] of [
      ['found', 9],
      ['empty', 0],
    ] as const)
      for (const who of ['a', 'b', 'c']) s.searched(q, who, total, T, w);
    s.clicked('found');
    const weights = new Map(s.take(T, none, w, true).map((x) => [x.text, x.weight]));
    assert.ok(weights.get('found')! > 5.9 && weights.get('found')! <= 6, 'three shopper-days, all of them recent');
    // Found nothing, never clicked: both sinks apply (still a suggestion: shoppers type campaign codes).
    assert.ok(Math.abs(weights.get('empty')! - 6 * (1 - w.noResult) * w.unclicked) < 0.01, `${weights.get('empty')}`);
  });

  it('sink unclicked queries only once the shop reports clicks at all', () => {
    const w = { ...defaultSuggestionWeights, unclickedAfter: 2 };
    const s = new SuggestionSignals(limits);
    for (const who of ['a', 'b', 'c']) s.searched('lamp', who, 5, T, w);
    const weight = () => s.take(T, none, w, true).find((x) => x.text === 'lamp')!.weight;
    const unsunk = weight();
    s.searched('desk', 'a', 5, T, w);
    s.clicked('desk');
    assert.ok(Math.abs(weight() - unsunk * w.unclicked) < 0.01, 'clicks are reported now: lamp never had one');
    const restored = new SuggestionSignals(limits, JSON.parse(JSON.stringify(s.toJSON())));
    assert.equal(restored.take(T, none, w, true).find((x) => x.text === 'lamp')!.weight, weight(), 'kept in the state');
  });
});

describe('rail signals', () => {
  const at = (type: string, extra: Record<string, unknown>, time = T): RecordedEvent =>
    ({
      type,
      event_id: `${type}-${Math.random()}`,
      session: 's-1',
      received_at: new Date(time).toISOString(),
      ...extra,
    }) as RecordedEvent;

  it('pair items carted in one session or bought in one order, both ways, and rank trending by weight', () => {
    const r = new RailSignals(defaultRailLimits);
    r.event(at('add_to_cart', { product: 'a' }), T);
    r.event(at('add_to_cart', { product: 'b' }), T);
    r.event(
      at('purchase', {
        order_id: 'o-1',
        items: [
          { product: 'c', price: 1, quantity: 1 },
          { product: 'a', price: 1, quantity: 1 },
        ],
      }),
      T,
    );
    r.event(at('view', { product: 'd', customer: 'c-1' }), T);
    const changed = r.takeChanged(T);
    assert.deepEqual(
      changed.together
        .get('a')
        ?.map(([id]) => id)
        .sort(),
      ['b', 'c'],
    );
    assert.deepEqual(
      changed.together.get('b')?.map(([id]) => id),
      ['a'],
    );
    assert.deepEqual(
      changed.trending?.map(([id]) => id),
      ['a', 'c', 'b', 'd'],
      'bought weighs more than carted, carted more than viewed',
    );
    assert.deepEqual(changed.recent.get('c-1'), ['d']);
    assert.equal(r.takeChanged(T).trending, undefined, 'nothing changed since');
  });
});

describe('position bias', () => {
  it('recovers how often shoppers look at each position from shows and clicks (position-based model)', () => {
    // Shoppers look at bucket b with probability examined[b] and click what they look at with the
    // product's own attractiveness; each product is shown at every position now and then.
    const examined = [1, 1, 0.8, 0.65, 0.5, 0.45, 0.35];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const ex = new Exposures(100_000);
    for (let p = 0; p < 300; p++) {
      const attractive = 0.1 + 0.5 * random();
      for (let n = 0; n < 200; n++) {
        const bucket = positionBucket(1 + Math.floor(random() * 10));
        ex.shown(`q${p % 30}`, `p${p}`, bucket);
        if (random() < examined[bucket]! * attractive) ex.clicked(`q${p % 30}`, `p${p}`, bucket);
      }
    }
    const estimated = ex.examination();
    for (let b = 1; b < examined.length; b++)
      assert.ok(Math.abs(estimated[b]! - examined[b]!) < 0.06, `bucket ${b}: ${estimated[b]} vs ${examined[b]}`);
    assert.deepEqual(estimated.slice(7), [1, 1], 'buckets never shown keep the prior');
  });
});
