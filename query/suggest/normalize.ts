import { words } from '../../common/words.ts';

/** The form a query is counted, indexed and matched under: lowercase, accents folded, single spaces. */
export const normalizeSuggestion = (q: string): string => words(q).join(' ');
