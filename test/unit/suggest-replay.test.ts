// The autocomplete evaluation's arithmetic on a hand-computed fixture, and which logged queries
// may become suggestions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { oracle, prefixBaseline, replay } from '../../eval/runners/suggest.ts';
import { countQueries, type LoggedSearch } from '../../query/suggest/sources.ts';

async function* from(searches: LoggedSearch[]): AsyncGenerator<LoggedSearch> {
  yield* searches;
}

describe('eval suggest replay', () => {
  // "ab" searched twice, "ac" once; the suggester shows ["ac", "ab"] after "a", ["ab"] after "ab", nothing after "ac".
  const test = new Map([
    ['ab', 2],
    ['ac', 1],
  ]);
  const answers: Record<string, string[]> = { a: ['ac', 'ab'], ab: ['ab'], ac: [] };

  it('weights reciprocal ranks by searches over every typed prefix, and keystrokes by the first prefix showing the query', async () => {
    const m = await replay(test, async (p) => answers[p] ?? [], 8, 20, 'test');
    // ab: 2 × (1/2 + 1), ac: 1 × (1 + 0), over 2 × 2 + 1 × 2 prefixes.
    assert.equal(m['mrr@8'], 4 / 6);
    // Both appear after one of two characters: half the keystrokes saved.
    assert.equal(m.keystrokes_saved, 0.5);
    assert.equal(m['success@8_1char'], 1);
    // After 3 characters both are fully typed: "ab" was shown at its end, "ac" was not.
    assert.equal(m['success@8_3chars'], 2 / 3);
  });

  it('cuts each list at k', async () => {
    const m = await replay(test, async (p) => answers[p] ?? [], 1, 20, 'test');
    assert.equal(m['mrr@1'], (2 * 1 + 1 * 1) / 6);
  });

  it('the ceiling ranks the candidates that start with the prefix by the replayed counts', async () => {
    const ceiling = oracle(['zz', 'ac', 'ab', 'ab'], test, 8);
    assert.deepEqual(await ceiling('a'), ['ab', 'ac']);
    const m = await replay(test, ceiling, 8, 20, 'test');
    assert.equal(m['mrr@8'], (2 * (1 + 1) + 1 * (1 / 2 + 1)) / 6);
  });

  it('the baseline suggests earlier queries with the prefix, most frequent first', async () => {
    const base = prefixBaseline(['ac', 'ab', 'AB', 'b'].map((query) => ({ query })), 8);
    assert.deepEqual(await base('a'), ['ab', 'ac']);
  });
});

describe('which logged queries become suggestions', () => {
  const log: LoggedSearch[] = [
    { query: 'Halo', user: 'u1' },
    { query: 'halo', user: 'u2' },
    { query: 'halo  REACH', user: 'u3' },
    { query: 'halo secret', user: 'u4' },
    { query: 'john smith 1234', user: 'u1' },
    { query: 'john smith 1234', user: 'u1' },
  ];

  it('those searched by enough distinct shoppers, weighted by shoppers', async () => {
    const entries = await countQueries(from(log), { minUsers: 2 });
    assert.deepEqual(entries, [{ text: 'halo', weight: 2, source: 'query' }]);
  });

  it('and rarer ones whose every word the catalog or enough shoppers vouch for', async () => {
    const entries = await countQueries(from(log), { minUsers: 2, knownWords: new Set(['reach']) });
    assert.deepEqual(
      entries.map((e) => e.text),
      ['halo', 'halo reach'],
      'a lone shopper\'s own words ("secret", "john smith 1234") never show',
    );
  });

  it('without user ids every search counts as a shopper', async () => {
    const entries = await countQueries(from([{ query: 'halo' }, { query: 'halo' }, { query: 'gears' }]), { minUsers: 2 });
    assert.deepEqual(entries.map((e) => [e.text, e.weight]), [['halo', 2]]);
  });
});
