import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEvents } from '../../indexer/merge.ts';
import { fromStoredDocument, toStoredDocument } from '../../indexer/stored-document.ts';
import { bayesianRating, categoryFields, titleHead, toProductDocument } from '../../mappings/product-document.ts';

describe('product document', () => {
  it('builds hierarchical category fields, one per level, with every ancestor path', () => {
    assert.deepEqual(categoryFields(['Toys', 'Trains', ' Electric ']), {
      category: { lvl0: 'Toys', lvl1: 'Toys > Trains', lvl2: 'Toys > Trains > Electric' },
      category_paths: ['Toys', 'Toys > Trains', 'Toys > Trains > Electric'],
      category_leaf: 'Toys > Trains > Electric',
      category_depth: 3,
      category_text: 'Toys Trains Electric',
    });
    assert.deepEqual(categoryFields(undefined).category_paths, []);
  });

  it('keeps the part of a title that names the product, not what it fits', () => {
    assert.equal(titleHead('Lenmar Battery for IBM (Lenovo) Laptop Computers'), 'Lenmar Battery');
    assert.equal(titleHead('Slim Case Compatible With iPhone 12'), 'Slim Case');
    assert.equal(titleHead('Lenovo T410 Laptop PC with Intel Core i5'), 'Lenovo T410 Laptop PC with Intel Core i5');
    assert.equal(
      titleHead('For Honor (Xbox One)'),
      'For Honor (Xbox One)',
      'a title starting with the word is left whole',
    );
    assert.equal(toProductDocument({ id: 'x', title: 'Charger for Laptops' }).title_head, 'Charger');
  });

  it('shrinks ratings with few votes toward the prior', () => {
    assert.equal(bayesianRating(undefined, 3), undefined);
    const fewVotes = bayesianRating(5, 1)!;
    const manyVotes = bayesianRating(4.6, 1000)!;
    assert.ok(fewVotes < manyVotes, `${fewVotes} < ${manyVotes}`);
    assert.ok(Math.abs(bayesianRating(4, 1e9)! - 4) < 1e-6);
  });

  it('computes the discount and leaves rank features out when not positive', () => {
    const d = toProductDocument({ id: 'a', title: 'A', price: 75, list_price: 100, popularity: 0 });
    assert.equal(d.discount_pct, 25);
    assert.equal(d.signals.popularity, undefined);
    assert.deepEqual(d.attrs, []);
  });

  it('round-trips the merge state through the stored document, with no suggestion unless live', () => {
    const state = applyEvents(undefined, [
      {
        op: 'upsert',
        id: 'a',
        version: 1,
        product: {
          id: 'a',
          title: 'Lamp',
          brand: 'Lux',
          categories: ['Home', 'Lighting'],
          attributes: { color: 'red' },
        },
      },
      { op: 'patch', id: 'a', version: 2, fields: { price: 12 } },
    ])!;
    const doc = toStoredDocument(state, '2024-01-01T00:00:00.000Z');
    assert.equal(doc.live, true);
    assert.deepEqual(doc.suggest!.input, ['Lamp', 'Lux Lamp']);
    assert.deepEqual(fromStoredDocument(JSON.parse(JSON.stringify(doc))), state);

    const deleted = applyEvents(state, [{ op: 'delete', id: 'a', version: 3 }])!;
    const tomb = toStoredDocument(deleted, '2024-01-01T00:00:00.000Z');
    assert.equal(tomb.live, false);
    assert.equal(tomb.suggest, undefined);
  });
});
