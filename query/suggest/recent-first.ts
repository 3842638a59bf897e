// A shopper's recent searches first in their suggestions, when they start as typed.
import { normalizeSuggestion, typedPrefix } from './normalize.ts';

/**
 * The shopper's recent searches that start as typed (newest first, at most `max`, so popular
 * suggestions keep most of the list), then the other suggestions without them, cut to `size`.
 */
export function recentFirst(
  texts: readonly string[],
  recent: readonly string[],
  typed: string,
  size: number,
  max = 2,
): { text: string; recent: boolean }[] {
  const prefix = typedPrefix(typed);
  const mine = new Map<string, string>();
  for (const r of recent) {
    const key = normalizeSuggestion(r);
    if (mine.size < max && key.startsWith(prefix) && !mine.has(key)) mine.set(key, r);
  }
  return [
    ...[...mine.values()].map((text) => ({ text, recent: true })),
    ...texts.filter((t) => !mine.has(normalizeSuggestion(t))).map((text) => ({ text, recent: false })),
  ].slice(0, size);
}

/** How a search is kept among a customer's recent searches, or undefined when it holds nothing to complete. */
export function recentSearchText(query: string): string | undefined {
  const text = query.trim().replace(/\s+/g, ' ').toLowerCase();
  return normalizeSuggestion(text) ? text : undefined;
}
