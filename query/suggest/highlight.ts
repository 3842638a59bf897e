// The typed prefixes marked in a suggestion, for the search box to show.
import { words } from '../../common/words.ts';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** Marks, in each word of `text`, the longest typed word it starts with; the rest HTML-escaped. */
export function highlightPrefixes(text: string, typed: string): string {
  const prefixes = words(typed);
  return text
    .split(/(\s+)/)
    .map((part) => {
      const f = fold(part);
      const hit = prefixes.filter((p) => f.startsWith(p)).sort((a, b) => b.length - a.length)[0];
      if (!hit || /^\s+$/.test(part)) return escapeHtml(part);
      // Folding keeps lengths for Latin text; when it does not, mark the whole word.
      const n = fold(part.slice(0, hit.length)) === hit ? hit.length : part.length;
      return `<mark>${escapeHtml(part.slice(0, n))}</mark>${escapeHtml(part.slice(n))}`;
    })
    .join('');
}
