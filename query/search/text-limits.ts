// What bounds the work one query's text can cause, wherever text is matched loosely (typo
// tolerance, spelling, relaxation). Exact matching costs a term lookup per word; fuzzy matching
// builds an automaton per word whose size grows with the word's length and alphabet (a run of 80
// Greek letters is "too complex" for Lucene), so long or many words are matched exactly only.
// Shoppers' real words are short: on the Best Buy log, 99.9% of words have at most 15 characters.

/** Words of a query that are searched; the rest are dropped (each word multiplies every clause). */
export const MAX_QUERY_WORDS = 10;
/** Longest word (in characters) that typo tolerance and spelling correction look at. */
export const MAX_FUZZY_WORD = 15;
/** Most words a query may have and still be matched with typo tolerance (each costs tens of ms). */
export const MAX_FUZZY_WORDS = 4;
/** Most words of a zero-result query probed for the word to drop (one clause per word, each over every word). */
export const MAX_RELAXED_WORDS = 6;
/** Most words of a zero-result query retried with more typos allowed (relaxation's last, costliest step). */
export const MAX_FUZZIER_WORDS = 2;

const wordsOf = (q: string): string[] => q.split(/\s+/).filter(Boolean);

/** The query cut to its first MAX_QUERY_WORDS words (whitespace already collapsed). */
export const boundedQuery = (q: string): string => wordsOf(q).slice(0, MAX_QUERY_WORDS).join(' ');

/** Whether the query is short enough, in words and in each word, for typo-tolerant matching. */
export function fuzzyAllowed(q: string, maxWords = MAX_FUZZY_WORDS): boolean {
  const ws = wordsOf(q);
  return ws.length <= maxWords && ws.every((w) => [...w].length <= MAX_FUZZY_WORD);
}

/** Whether spelling correction looks at this word. */
export const correctable = (word: string): boolean => [...word].length <= MAX_FUZZY_WORD;
