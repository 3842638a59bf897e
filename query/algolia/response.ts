// The engine's answers in the shape Algolia's clients read: a search result (hits with objectID
// and _highlightResult, nbHits, nbPages, facets, facets_stats, queryID, renderingContent), facet
// value hits for searchForFacetValues, and query suggestions as hits of a suggestions index.
import type { ListingResult } from '../search/engine.ts';
import type { CategoryNode, Facets, FacetValue } from '../search/facets.ts';
import { MAX_WINDOW } from '../search/params.ts';
import type { Hit } from '../search/search-service.ts';
import type { SuggestResult } from '../suggest/engine.ts';
import { type AlgoliaParams, asList } from './request.ts';

export interface Highlighted {
  value: string;
  matchLevel: 'none' | 'partial' | 'full';
  matchedWords: string[];
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#x27': "'",
  '#39': "'",
  '#x2F': '/',
};

/**
 * Text the engine highlighted as escaped HTML with <mark> becomes raw text with the client's
 * tags: InstantSearch and autocomplete escape the text themselves and turn their tags into markup.
 */
export function withTags(html: string, pre: string, post: string): Highlighted {
  const matchedWords = [...html.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => unescapeHtml(m[1]!).toLowerCase());
  const value = html
    .split(/(<\/?mark>)/)
    .map((part) => (part === '<mark>' ? pre : part === '</mark>' ? post : unescapeHtml(part)))
    .join('');
  return { value, matchLevel: matchedWords.length ? 'full' : 'none', matchedWords: [...new Set(matchedWords)] };
}

const unescapeHtml = (s: string) => s.replace(/&(amp|lt|gt|quot|#x27|#39|#x2F);/g, (_, e: string) => ENTITIES[e]!);

const plain = (value: unknown): Highlighted => ({ value: String(value ?? ''), matchLevel: 'none', matchedWords: [] });

const HIGHLIGHTABLE = ['title', 'brand', 'category'] as const;
const DEFAULT_PRE = '<em>';
const DEFAULT_POST = '</em>';

function algoliaHit(h: Hit, p: AlgoliaParams, position: number) {
  const { id, highlight, pinned, explain: _explain, ...fields } = h;
  const asked = p.attributesToHighlight === undefined ? ['title'] : asList(p.attributesToHighlight);
  const highlighted = asked.includes('*') ? [...HIGHLIGHTABLE] : HIGHLIGHTABLE.filter((a) => asked.includes(a));
  const pre = p.highlightPreTag ?? DEFAULT_PRE;
  const post = p.highlightPostTag ?? DEFAULT_POST;
  const retrieve = p.attributesToRetrieve === undefined ? ['*'] : asList(p.attributesToRetrieve);
  const kept = retrieve.includes('*')
    ? fields
    : Object.fromEntries(Object.entries(fields).filter(([k]) => retrieve.includes(k)));
  return {
    ...kept,
    objectID: id,
    _highlightResult: Object.fromEntries(
      highlighted
        .filter((a) => fields[a] !== undefined)
        .map((a) => [a, a === 'title' && highlight?.title ? withTags(highlight.title, pre, post) : plain(fields[a])]),
    ),
    ...(p.getRankingInfo ? { _rankingInfo: { promoted: pinned === true, position } } : {}),
  };
}

const counts = (values: readonly { value: string; count: number }[] | undefined): Record<string, number> =>
  Object.fromEntries((values ?? []).map((v) => [v.value, v.count]));

/** The values of one level of the category tree the engine returned (a level below a selection only). */
function categoryLevel(tree: readonly CategoryNode[] | undefined, level: number): FacetValue[] {
  let nodes: readonly CategoryNode[] = tree ?? [];
  for (let i = 0; i < level; i++) nodes = nodes.flatMap((n) => n.children ?? []);
  return [...nodes];
}

/** One Algolia facet attribute's values and counts from the engine's facets (undefined: none). */
export function facetValues(f: Facets, attribute: string): FacetValue[] | undefined {
  if (attribute === 'brand') return f.brand;
  if (attribute === 'in_stock')
    return f.in_stock?.map((v) => ({ value: String(v.value), count: v.count, selected: v.selected }));
  const level = /^category\.lvl(\d)$/.exec(attribute);
  if (level) return f.category ? categoryLevel(f.category, Number(level[1])) : undefined;
  if (attribute.startsWith('attributes.'))
    return f.attributes?.find((a) => a.name === attribute.slice('attributes.'.length))?.values;
  return undefined;
}

function facetsOf(f: Facets, asked: string[]): Record<string, Record<string, number>> {
  const names = asked.includes('*')
    ? [
        'brand',
        'in_stock',
        ...(f.category ? [0, 1, 2].map((l) => `category.lvl${l}`) : []),
        ...(f.attributes ?? []).map((a) => `attributes.${a.name}`),
      ]
    : asked;
  const out: Record<string, Record<string, number>> = {};
  for (const name of names) {
    const values = facetValues(f, name);
    if (values) out[name] = counts(values);
  }
  return out;
}

/** An Algolia search result from the engine's answer. */
export function searchResult(
  index: string,
  p: AlgoliaParams,
  r: ListingResult,
  o: { facets: string[]; noHits: boolean; queryID?: string },
) {
  const size = Math.max(p.hitsPerPage ?? 20, 1);
  const page = p.page ?? 0;
  const offset = page * size;
  const stats =
    r.facets.price?.min !== undefined && (o.facets.includes('price') || o.facets.includes('*'))
      ? { price: { min: r.facets.price.min, max: r.facets.price.max } }
      : undefined;
  return {
    hits: o.noHits ? [] : r.hits.map((h, i) => algoliaHit(h, p, offset + i + 1)),
    nbHits: r.total,
    page,
    // Pages past the engine's window (10,000 results) cannot be reached by page number.
    nbPages: Math.min(Math.ceil(r.total / size), Math.floor(MAX_WINDOW / size), 500),
    hitsPerPage: p.hitsPerPage ?? 20,
    // A numeric facet reports its stats, not its values; the key must exist for clients to read them.
    facets: { ...facetsOf(r.facets, o.facets), ...(stats ? { price: {} } : {}) },
    ...(stats ? { facets_stats: stats } : {}),
    exhaustiveNbHits: true,
    exhaustiveFacetsCount: true,
    exhaustive: { nbHits: true, facetsCount: true },
    query: p.query ?? '',
    params: '',
    index,
    processingTimeMS: r.took,
    ...(o.queryID ? { queryID: o.queryID } : {}),
    renderingContent: r.redirect ? { redirect: { url: r.redirect } } : {},
    ...(p.getRankingInfo ? { serverUsed: 'shopsearch', parsedQuery: r.rewritten_query ?? r.query ?? '' } : {}),
    ...(r.rewritten_query || r.relaxed ? { queryAfterRemoval: r.relaxed?.query ?? r.rewritten_query } : {}),
  };
}

/** searchForFacetValues: the facet's values whose text contains what was typed, with counts. */
export function facetHits(values: readonly FacetValue[], typed: string, max: number, p: AlgoliaParams) {
  const pre = p.highlightPreTag ?? DEFAULT_PRE;
  const post = p.highlightPostTag ?? DEFAULT_POST;
  const needle = typed.trim().toLowerCase();
  const matching = values.filter((v) => v.value.toLowerCase().includes(needle)).slice(0, max);
  return matching.map((v) => {
    const at = needle ? v.value.toLowerCase().indexOf(needle) : -1;
    const highlighted =
      at < 0
        ? v.value
        : `${v.value.slice(0, at)}${pre}${v.value.slice(at, at + needle.length)}${post}${v.value.slice(at + needle.length)}`;
    return { value: v.value, highlighted, count: v.count };
  });
}

/**
 * Query suggestions as hits of the suggestions index, in the shape autocomplete's query-suggestions
 * plugin reads: `query`, its highlight, and on the first hit the categories of what was typed under
 * `<products index>.facets.exact_matches.categories` (the plugin's `categoryAttribute`).
 */
export function suggestionsResult(
  index: string,
  productsIndex: string,
  p: AlgoliaParams,
  s: SuggestResult,
  queryID?: string,
) {
  const pre = p.highlightPreTag ?? DEFAULT_PRE;
  const post = p.highlightPostTag ?? DEFAULT_POST;
  const size = Math.max(p.hitsPerPage ?? 20, 1);
  const categories = s.categories.map((c) => ({ value: c.path, count: c.count }));
  const hits = s.suggestions.slice(0, size).map((x, i) => ({
    objectID: x.text,
    query: x.text,
    source: x.source,
    ...(i === 0 && categories.length
      ? {
          [productsIndex]: {
            exact_nb_hits: categories.reduce((n, c) => n + c.count, 0),
            facets: { exact_matches: { categories } },
          },
        }
      : {}),
    _highlightResult: { query: withTags(x.highlighted, pre, post) },
  }));
  return {
    hits,
    nbHits: hits.length,
    page: 0,
    nbPages: 1,
    hitsPerPage: size,
    exhaustiveNbHits: true,
    query: p.query ?? '',
    params: '',
    index,
    processingTimeMS: s.took,
    ...(queryID ? { queryID } : {}),
    renderingContent: {},
  };
}
