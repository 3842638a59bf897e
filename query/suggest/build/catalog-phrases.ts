// What the catalog says shoppers may type before any log exists: brands, category names, product
// names, and words and 2–3-word phrases shared by several products; and the catalog's vocabulary,
// which vouches for rare logged queries (see countQueries).
import type { EsClient } from '../../../common/clients/elasticsearch.ts';
import { scrollHits } from '../../../common/clients/es-scroll.ts';
import { words } from '../../../common/words.ts';
import { normalizeSuggestion } from '../normalize.ts';
import type { SuggestionEntry } from '../../../stores/suggestions.ts';

export interface CatalogText {
  phrases: SuggestionEntry[];
  /** Every word of the titles, brands and category names. */
  words: Set<string>;
}

/**
 * Catalog phrases weigh less than 1, below any query that real shoppers searched, growing slowly
 * with the number of products: they fill in where the log is silent, never push real queries out.
 */
const catalogWeight = (products: number): number => Math.min(0.9, 0.2 + 0.1 * Math.log2(products));

/**
 * A title's product names: what comes before " - " (the name with its edition, "Call of Duty:
 * Modern Warfare 3 Hardened Edition") and, shorter, before ":" or "(" too ("Call of Duty").
 */
const productNames = (title: string): string[] => {
  const name = title.split(/\s[-–]\s/)[0] ?? title;
  return [name, name.split(/:|\(/)[0] ?? name];
};

export async function catalogText(
  es: EsClient,
  productsAlias: string,
  minProducts = 2,
  maxDocs = 200000,
): Promise<CatalogText> {
  const counts = new Map<string, number>();
  const vocabulary = new Set<string>();
  // Product names are suggestable even when only one product carries them.
  const names = new Set<string>();
  const bump = (phrase: string) => {
    const key = normalizeSuggestion(phrase);
    if (key.length >= 2 && key.length <= 60) counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  let seen = 0;
  for await (const h of scrollHits<{ title?: string; brand?: string; categories?: string[] }>(es, {
    index: productsAlias,
    _source: ['title', 'brand', 'categories'],
  })) {
    if (seen++ >= maxDocs) break;
    const s = h._source ?? {};
    for (const text of [s.title ?? '', s.brand ?? '', ...(s.categories ?? [])])
      for (const w of words(text)) vocabulary.add(w);
    if (s.brand) bump(s.brand);
    for (const c of s.categories ?? []) bump(c);
    const w = words(s.title ?? '').filter((x) => !/^\d+$/.test(x));
    const phrases = new Set<string>();
    for (const name of productNames(s.title ?? '')) {
      const key = normalizeSuggestion(name);
      names.add(key);
      phrases.add(key);
    }
    for (let i = 0; i < w.length; i++)
      for (let n = 1; n <= 3 && i + n <= w.length; n++)
        if (n > 1 || w[i]!.length >= 4) phrases.add(w.slice(i, i + n).join(' '));
    for (const p of phrases) bump(p);
  }
  const phrases = [...counts]
    .filter(([text, n]) => n >= minProducts || names.has(text))
    .map(([text, n]) => ({ text, weight: catalogWeight(n), source: 'catalog' as const }));
  return { phrases, words: vocabulary };
}
