// "Did you mean": corrections one and two edits away, the more frequent word first, and a bounded
// amount of work for any typed word.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_COMPARED, Vocabulary } from '../../query/search/spelling.ts';

describe('spelling vocabulary', () => {
  const v = new Vocabulary();
  v.add('wireless controller wireless headset chocolate biscuits');
  v.add('controller', 5);
  v.add('contoller');

  it('corrects a word one edit away to the most frequent such word', () => {
    assert.equal(v.suggest('wireles controler'), 'wireless controller');
    // "cantroller" is one edit from "controller" (6) and two from "contoller" (1).
    assert.equal(v.suggest('cantroller'), 'controller');
  });

  it('corrects a longer word two edits away, and leaves known words and numbers alone', () => {
    assert.equal(v.suggest('chocolat biscits'), 'chocolate biscuits');
    assert.equal(v.suggest('wireless 2024'), undefined);
  });

  it('corrects each distinct word once and keeps the rest of the query', () => {
    assert.equal(v.suggest('wireles wireles headset'), 'wireless wireless headset');
  });

  it('compares at most MAX_COMPARED words, the most frequent first', () => {
    const big = new Vocabulary();
    // Many nine-letter words starting with "s", none near "sxqzkwvjp", then one that is, rarer than all.
    for (let i = 0; i < MAX_COMPARED + 500; i++) big.add(`s${(i + 1e7).toString(36).padStart(8, 'a')}`, 3);
    big.add('sxqzkwvaa');
    assert.equal(big.suggest('sxqzkwvjp'), undefined, 'the rare neighbour lies beyond the budget');
    big.add('sxqzkwvaa', 10);
    assert.equal(big.suggest('sxqzkwvjp'), 'sxqzkwvaa', 'a frequent neighbour is compared first');
  });
});
