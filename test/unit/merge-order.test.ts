// Applying a product's events in any order, any number of times, ends in the in-order state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../common/random.ts';
import type { ProductEvent } from '../../indexer/event.ts';
import { applyEvent, applyEvents, isLive, type ProductState } from '../../indexer/merge.ts';

/** A random history for one product: upserts, patches and deletes with increasing versions. */
function history(rand: () => number, id: string, length: number): ProductEvent[] {
  const events: ProductEvent[] = [];
  let version = 0;
  for (let i = 0; i < length; i++) {
    version += 1 + Math.floor(rand() * 3);
    const r = rand();
    if (i === 0 || r < 0.35) {
      events.push({
        op: 'upsert',
        id,
        version,
        product: {
          id,
          title: `title ${version}`,
          price: version,
          ...(rand() < 0.5 ? { brand: `brand ${version}` } : {}),
        },
      });
    } else if (r < 0.85) {
      const fields =
        rand() < 0.5 ? { price: version * 10 } : { in_stock: rand() < 0.5, list_price: rand() < 0.5 ? null : version };
      events.push({ op: 'patch', id, version, fields });
    } else {
      events.push({ op: 'delete', id, version });
    }
  }
  return events;
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const observable = (s: ProductState | undefined) =>
  s ? { fields: s.fields, live: isLive(s), version: s.version } : undefined;

describe('merge: order independence', () => {
  it('ends in the in-order state for 500 random histories, shuffled and duplicated', () => {
    const rand = seededRandom(42);
    for (let p = 0; p < 500; p++) {
      const events = history(rand, `p${p}`, 1 + Math.floor(rand() * 12));
      const expected = observable(applyEvents(undefined, events));
      const delivered = shuffle([...events, ...events.filter(() => rand() < 0.4)], rand);
      // Delivered in batches of random size, as the consumer would.
      let state: ProductState | undefined;
      for (let i = 0; i < delivered.length; ) {
        const n = 1 + Math.floor(rand() * 4);
        state = applyEvents(state, delivered.slice(i, i + n)) ?? state;
        i += n;
      }
      assert.deepEqual(observable(state), expected, `product p${p}: ${JSON.stringify(events)}`);
    }
  });

  it('keeps a newer price patch delivered before an older full upsert', () => {
    const s = applyEvents(undefined, [
      { op: 'patch', id: 'a', version: 5, fields: { price: 9 } },
      { op: 'upsert', id: 'a', version: 3, product: { id: 'a', title: 'A', price: 20, brand: 'B' } },
    ])!;
    assert.deepEqual(s.fields, { title: 'A', price: 9, brand: 'B' });
    assert.equal(isLive(s), true);
  });

  it('keeps a patch for a product not yet indexed, invisible until the product arrives', () => {
    const s = applyEvent(undefined, { op: 'patch', id: 'a', version: 2, fields: { price: 1 } })!;
    assert.equal(isLive(s), false);
    assert.deepEqual(s.fields, { price: 1 });
  });

  it('does not let an older upsert resurrect a deleted product', () => {
    const deleted = applyEvent(undefined, { op: 'delete', id: 'a', version: 9 })!;
    const after = applyEvent(deleted, { op: 'upsert', id: 'a', version: 4, product: { id: 'a', title: 'old' } });
    assert.ok(after === undefined || !isLive(after));
    assert.deepEqual((after ?? deleted).fields, {});
  });

  it('reports duplicates and stale events as no change', () => {
    const e: ProductEvent = { op: 'upsert', id: 'a', version: 3, product: { id: 'a', title: 'A' } };
    const s = applyEvent(undefined, e)!;
    assert.equal(applyEvent(s, e), undefined);
    assert.equal(applyEvent(s, { op: 'patch', id: 'a', version: 2, fields: { title: 'older' } }), undefined);
  });

  it('removes a field patched to null', () => {
    const s = applyEvents(undefined, [
      { op: 'upsert', id: 'a', version: 1, product: { id: 'a', title: 'A', list_price: 10 } },
      { op: 'patch', id: 'a', version: 2, fields: { list_price: null } },
    ])!;
    assert.equal('list_price' in s.fields, false);
  });
});
