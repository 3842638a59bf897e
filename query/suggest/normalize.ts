import { words } from '../../common/words.ts';

/** The form a query is counted, indexed and matched under: lowercase, accents folded, single spaces. */
export const normalizeSuggestion = (q: string): string => words(q).join(' ');

/** What a completion must start with: a trailing space says the last word is complete ("gears " is not "gearsofwar"). */
export const typedPrefix = (typed: string): string => normalizeSuggestion(typed) + (/\S\s$/.test(typed) ? ' ' : '');
