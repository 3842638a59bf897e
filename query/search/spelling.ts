// "Did you mean": corrections from the words of the catalog (and, when given, the query log),
// weighted by how often they occur. natural's Spellcheck finds words one edit away; for longer
// words a bounded scan with Damerau-Levenshtein finds those two edits away.
// Only the natural modules used are imported: its package root loads dotenv, which reads any .env.
import { createRequire } from 'node:module';
import type { DamerauLevenshteinDistance as DistanceFn } from 'natural/lib/natural/distance/index.js';
import type { Spellcheck as SpellcheckClass } from 'natural/lib/natural/spellcheck/index.js';
import { words } from '../../common/words.ts';
import { correctable, MAX_QUERY_WORDS } from './text-limits.ts';

const require = createRequire(import.meta.url);
const Spellcheck = require('natural/lib/natural/spellcheck/spellcheck.js') as typeof SpellcheckClass;
const { DamerauLevenshteinDistance } = require('natural/lib/natural/distance/levenshtein_distance.js') as {
  DamerauLevenshteinDistance: typeof DistanceFn;
};

export class Vocabulary {
  private readonly counts = new Map<string, number>();
  private spellcheck: InstanceType<typeof SpellcheckClass> | undefined;
  private byInitial = new Map<string, string[]>();

  add(text: string, weight = 1): void {
    for (const w of words(text)) this.counts.set(w, (this.counts.get(w) ?? 0) + weight);
    this.spellcheck = undefined;
  }

  get size(): number {
    return this.counts.size;
  }

  private ensureIndex(): InstanceType<typeof SpellcheckClass> {
    if (this.spellcheck) return this.spellcheck;
    // Spellcheck reads frequencies from repetitions; capped so the list stays small.
    const list: string[] = [];
    this.byInitial = new Map();
    for (const [w, n] of this.counts) {
      for (let i = 0; i < Math.min(n, 50); i++) list.push(w);
      const key = w[0]!;
      this.byInitial.set(key, [...(this.byInitial.get(key) ?? []), w]);
    }
    this.spellcheck = new Spellcheck(list);
    return this.spellcheck;
  }

  private correct(word: string): string | undefined {
    const sc = this.ensureIndex();
    if (!correctable(word) || sc.isCorrect(word) || /^\d+$/.test(word) || word.length < 3) return undefined;
    const one = sc.getCorrections(word, 1);
    if (one.length > 0) return one[0];
    if (word.length < 5) return undefined;
    let best: string | undefined;
    let bestCount = 0;
    for (const candidate of this.byInitial.get(word[0]!) ?? []) {
      if (Math.abs(candidate.length - word.length) > 2) continue;
      const count = this.counts.get(candidate)!;
      if (count > bestCount && DamerauLevenshteinDistance(word, candidate, { transposition_cost: 1 }) <= 2) {
        best = candidate;
        bestCount = count;
      }
    }
    return best;
  }

  /** The query with its misspelled words corrected, or undefined when nothing needed correcting. */
  suggest(query: string): string | undefined {
    const tokens = words(query).slice(0, MAX_QUERY_WORDS);
    let changed = false;
    const fixed = tokens.map((t) => {
      const c = this.correct(t);
      if (c && c !== t) changed = true;
      return c ?? t;
    });
    return changed ? fixed.join(' ') : undefined;
  }
}
