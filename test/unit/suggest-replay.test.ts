// The autocomplete evaluation's arithmetic on a hand-computed fixture, and which logged queries
// may become suggestions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { casesOf, casesWithHistory, oracle, prefixBaseline, replay } from '../../eval/runners/suggest.ts';
import { recentFirst } from '../../query/suggest/recent-first.ts';
import { countQueries, type LoggedSearch } from '../../query/suggest/build/sources.ts';

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
    const m = await replay(casesOf(test), async (p) => answers[p] ?? [], 8, 20, 'test');
    // ab: 2 × (1/2 + 1), ac: 1 × (1 + 0), over 2 × 2 + 1 × 2 prefixes.
    assert.equal(m['mrr@8'], 4 / 6);
    // Both appear after one of two characters: half the keystrokes saved.
    assert.equal(m.keystrokes_saved, 0.5);
    assert.equal(m['success@8_1char'], 1);
    // After 3 characters both are fully typed: "ab" was shown at its end, "ac" was not.
    assert.equal(m['success@8_3chars'], 2 / 3);
  });

  it('cuts each list at k', async () => {
    const m = await replay(casesOf(test), async (p) => answers[p] ?? [], 1, 20, 'test');
    assert.equal(m['mrr@1'], (2 * 1 + 1 * 1) / 6);
  });

  it('the ceiling ranks the candidates that start with the prefix by the replayed counts', async () => {
    const ceiling = oracle(['zz', 'ac', 'ab', 'ab'], test, 8);
    assert.deepEqual(await ceiling('a'), ['ab', 'ac']);
    const m = await replay(casesOf(test), ceiling, 8, 20, 'test');
    assert.equal(m['mrr@8'], (2 * (1 + 1) + 1 * (1 / 2 + 1)) / 6);
  });

  it("offers the searcher's own earlier searches first when replaying search by search", async () => {
    const cases = casesWithHistory(
      [{ query: 'AC', user: 'u1', time: 1 }],
      [
        { query: 'ab', user: 'u2', time: 3 },
        { query: 'ac', user: 'u1', time: 2 },
        { query: 'ab', user: 'u2', time: 4 },
      ],
      20,
      10,
    );
    assert.deepEqual(cases, [
      { query: 'ac', count: 1, recent: ['ac'] },
      { query: 'ab', count: 1, recent: [] },
      { query: 'ab', count: 1, recent: ['ab'] },
    ]);
    const m = await replay(cases, async (p) => answers[p] ?? [], 8, 20, 'test');
    // ac: its own search first at both prefixes (1 + 1); ab first time: 1/2 + 1; ab again: 1 + 1.
    assert.equal(m['mrr@8'], (2 + 1.5 + 2) / 6);
    const later = casesWithHistory(
      [{ query: 'ac', user: 'u1', time: 1 }],
      [{ query: 'ac', user: 'u1', time: 20 }],
      20,
      10,
    );
    assert.deepEqual(later[0]!.recent, [], 'forgotten after the time to live without a search');
  });

  it('the baseline suggests earlier queries with the prefix, most frequent first', async () => {
    const base = prefixBaseline(
      ['ac', 'ab', 'AB', 'b'].map((query) => ({ query })),
      8,
    );
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
    const entries = await countQueries(from([{ query: 'halo' }, { query: 'halo' }, { query: 'gears' }]), {
      minUsers: 2,
    });
    assert.deepEqual(
      entries.map((e) => [e.text, e.weight]),
      [['halo', 2]],
    );
  });
});

describe("a shopper's recent searches in their suggestions", () => {
  it('come first when they start as typed, newest first, at most two, without duplicates', () => {
    const merged = recentFirst(
      ['halo', 'halo reach', 'halo 3'],
      ['Halo  3', 'gears', 'halo wars', 'halo odst'],
      'hal',
      4,
    );
    assert.deepEqual(merged, [
      { text: 'Halo  3', recent: true },
      { text: 'halo wars', recent: true },
      { text: 'halo', recent: false },
      { text: 'halo reach', recent: false },
    ]);
  });

  it('respect a trailing space: the last word typed is complete', () => {
    assert.deepEqual(recentFirst(['halo 3'], ['halo3', 'halo wars'], 'halo ', 8), [
      { text: 'halo wars', recent: true },
      { text: 'halo 3', recent: false },
    ]);
  });

  it('leave the list alone when none starts as typed', () => {
    assert.deepEqual(recentFirst(['halo'], ['gears'], 'ha', 8), [{ text: 'halo', recent: false }]);
  });
});
