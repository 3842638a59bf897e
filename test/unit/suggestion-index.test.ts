// The in-memory suggestion index against a plain reading of its rules (every phrase checked one by
// one), over random phrases from a small alphabet so that shared prefixes, typos, ties and accents
// are common; and a snapshot with deltas against the same rules over the merged phrases.
import assert from 'node:assert/strict';
import { seededRandom } from '../../common/random.ts';
import { describe, it } from 'node:test';
import { words } from '../../common/words.ts';
import { buildSuggestionIndex } from '../../query/suggest/index/suggestion-index.ts';
import { fuzzyPrefixRanges } from '../../query/suggest/index/fuzzy-words.ts';
import { MinTree, minTreeOf } from '../../query/suggest/index/min-tree.ts';
import { applyDeltas, overlayEntries, viewOf } from '../../query/suggest/live-suggestions.ts';
import { normalizeSuggestion, typedPrefix } from '../../query/suggest/normalize.ts';
import type { SuggestionDelta, SuggestionEntry } from '../../stores/suggestions.ts';

/** Optimal string alignment distance (edits and swaps of neighbours). */
function osa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i + j));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

/** A typed word starts a phrase word within one edit, the first letter exact (prefixes up to 20 letters). */
const nearStart = (typed: string, word: string) =>
  typed[0] === word[0] &&
  Array.from({ length: Math.min(word.length, 20) }, (_, i) => word.slice(1, i + 1)).some(
    (p) => osa(typed.slice(1), p) <= 1,
  );

/** The rules read plainly: each phrase's best tier, then weight, then alphabetical. */
function reference(entries: readonly SuggestionEntry[], typed: string, k: number): string[] {
  const prefix = typedPrefix(typed);
  const chars = typed.replace(/\s/g, '').length;
  const ws = words(typed);
  const unique = new Map(entries.map((e) => [normalizeSuggestion(e.text), e]));
  const tiered = [...unique].flatMap(([key, e]) => {
    const own = key.split(' ');
    const tier = key.startsWith(prefix)
      ? 0
      : chars >= 3 &&
          ws.length > 0 &&
          ws.slice(0, -1).every((w) => own.includes(w)) &&
          own.some((w) => w.startsWith(ws.at(-1)!))
        ? 1
        : chars >= 4 && ws.length > 0 && ws.every((w) => own.some((o) => nearStart(w, o)))
          ? 2
          : -1;
    return tier < 0 ? [] : [{ key, weight: e.weight, tier }];
  });
  return tiered
    .sort((a, b) => a.tier - b.tier || b.weight - a.weight || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, k)
    .map((x) => x.key);
}

const LETTERS = 'abcdeé';
function phrases(rnd: () => number, count: number): SuggestionEntry[] {
  const word = () => Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => LETTERS[Math.floor(rnd() * 6)]).join('');
  return Array.from({ length: count }, () => ({
    text: Array.from({ length: 1 + Math.floor(rnd() * 3) }, word).join(rnd() < 0.1 ? ' - ' : ' '),
    weight: Math.floor(rnd() * 5) + (rnd() < 0.2 ? 0.5 : 0),
    source: rnd() < 0.3 ? ('catalog' as const) : ('query' as const),
  }));
}

/** What a shopper might type on the way to a phrase: a prefix, maybe a typo, other case, a trailing space. */
function typedFor(rnd: () => number, text: string): string {
  let t = text.slice(0, 1 + Math.floor(rnd() * text.length));
  if (rnd() < 0.3 && t.length > 2) {
    const i = 1 + Math.floor(rnd() * (t.length - 1));
    t = t.slice(0, i) + LETTERS[Math.floor(rnd() * 6)] + t.slice(i + (rnd() < 0.5 ? 1 : 0));
  }
  if (rnd() < 0.2) t = t.toUpperCase();
  if (rnd() < 0.15) t += ' ';
  return t;
}

describe('suggestion index', () => {
  it('matches the plain reading of the tiers on random phrases', () => {
    const rnd = seededRandom(20);
    for (let round = 0; round < 10; round++) {
      const entries = phrases(rnd, 300);
      const index = buildSuggestionIndex(entries);
      for (let i = 0; i < 100; i++) {
        const typed = typedFor(rnd, entries[Math.floor(rnd() * entries.length)]!.text);
        const k = 1 + Math.floor(rnd() * 10);
        assert.deepEqual(
          index.match(typed, k).map((s) => s.key),
          reference(entries, typed, k),
          `round ${round}, typed ${JSON.stringify(typed)}, k ${k}`,
        );
      }
    }
  });

  it('with deltas on top matches the same reading over the changed phrases', () => {
    const rnd = seededRandom(7);
    for (let round = 0; round < 10; round++) {
      const entries = phrases(rnd, 200);
      const deltas: SuggestionDelta[] = Array.from({ length: 3 }, () => ({
        upserts: [...phrases(rnd, 10), ...entries.slice(0, 5).map((e) => ({ ...e, weight: rnd() * 10 }))],
        removals: entries.slice(5 + Math.floor(rnd() * 50), 60).map((e) => e.text.toUpperCase()),
      }));
      const overlay = applyDeltas(new Map(), deltas);
      const view = viewOf(
        'v',
        deltas.length,
        buildSuggestionIndex(entries),
        overlay,
        buildSuggestionIndex(overlayEntries(overlay)),
      );
      const merged = new Map(entries.map((e) => [normalizeSuggestion(e.text), e as SuggestionEntry | null]));
      for (const d of deltas) {
        for (const e of d.upserts ?? []) merged.set(normalizeSuggestion(e.text), e);
        for (const r of d.removals ?? []) merged.set(normalizeSuggestion(r), null);
      }
      const now = [...merged.values()].filter((e): e is SuggestionEntry => e !== null);
      assert.equal(view.size, now.length);
      for (let i = 0; i < 60; i++) {
        const typed = typedFor(rnd, now[Math.floor(rnd() * now.length)]!.text);
        assert.deepEqual(
          view.match(typed, 8).map((s) => s.key),
          reference(now, typed, 8),
          `round ${round}, typed ${JSON.stringify(typed)}`,
        );
      }
    }
  });

  it('keeps the shown form, the source and the tier of each suggestion', () => {
    const index = buildSuggestionIndex([
      { text: 'Call of Duty: MW3', weight: 9, source: 'query' },
      { text: 'batman arkham city', weight: 50, source: 'query' },
      { text: 'arkham asylum', weight: 2, source: 'catalog' },
    ]);
    assert.deepEqual(index.match('ARKHÀM', 8), [
      { text: 'arkham asylum', key: 'arkham asylum', weight: 2, source: 'catalog', tier: 'starts' },
      { text: 'batman arkham city', key: 'batman arkham city', weight: 50, source: 'query', tier: 'inside' },
    ]);
    assert.deepEqual(
      index.match('dutty', 8).map((s) => [s.text, s.tier]),
      [['Call of Duty: MW3', 'typo']],
    );
    assert.deepEqual(index.match('x', 8), []);
  });

  it('reads a bounded number of candidates a tier, the ones its words rule out included', () => {
    // Heavier phrases holding "alpha" or "beta" but not both, then the one holding both, lightest.
    const decoys = (n: number): SuggestionEntry[] => [
      ...Array.from({ length: n }, (_, i) => ({ text: `alpha x${i}`, weight: 100, source: 'query' as const })),
      ...Array.from({ length: n }, (_, i) => ({ text: `beta y${i}`, weight: 100, source: 'query' as const })),
      { text: 'beta alpha', weight: 1, source: 'query' },
    ];
    const found = (n: number) =>
      buildSuggestionIndex(decoys(n))
        .match('alpha be', 8)
        .map((s) => s.text);
    assert.deepEqual(found(500), ['beta alpha']);
    assert.deepEqual(found(3000), [], 'past 2,000 candidates ruled out, the tier gives up');
  });
});

describe('index building blocks', () => {
  it('the min tree lists the values of several ranges in ascending order, once each', () => {
    const rnd = seededRandom(3);
    for (let round = 0; round < 200; round++) {
      const values = Int32Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => Math.floor(rnd() * 40));
      const tree = new MinTree(minTreeOf(values));
      const ranges = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
        const a = Math.floor(rnd() * values.length);
        return [a, a + Math.floor(rnd() * (values.length - a + 1))] as const;
      });
      const expected = [...new Set(ranges.flatMap(([a, b]) => [...values.slice(a, b)]))].sort((x, y) => x - y);
      assert.deepEqual([...tree.ascending(ranges)], expected, JSON.stringify({ values: [...values], ranges }));
    }
  });

  it('finds the words starting within one edit of a typed word, the first letter exact', () => {
    const dictionary = ['box', 'modern', 'moder', 'modrn', 'mdoern', 'morden', 'nodern', 'warfare'].sort();
    const found = fuzzyPrefixRanges(dictionary, 'modren').flatMap(([a, b]) => dictionary.slice(a, b));
    assert.deepEqual(found.sort(), ['modern', 'modrn', 'morden']);
  });
});
