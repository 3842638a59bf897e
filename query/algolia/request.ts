// One query of Algolia's search protocol as this service's own request: the index name says what
// is searched (the products, a sort replica of them, or the query suggestions), and the Algolia
// parameters become the /search querystring, so a query goes through exactly the validation,
// defaults, rules, ranking and facets of GET /search. What the engine cannot express is refused
// with 400 naming the parameter, never silently widened.
import { Ajv } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import { CATEGORY_SEPARATOR } from '../../catalog/product.ts';
import { BadRequestError, NotFoundError } from '../../common/errors.ts';
import { MAX_CATEGORY_DEPTH } from '../../mappings/products.ts';
import {
  customerRef,
  type FacetName,
  MAX_PAGE_SIZE,
  type SearchParams,
  type SearchQuerystring,
  SORTS,
  type SortOption,
  sessionId,
  toSearchParams,
} from '../search/params.ts';
import { ConditionBudget, type Condition, type Group, parseFilterArray, parseFilters } from './filters.ts';

const strings = (maxItems: number, maxLength: number) =>
  ({
    anyOf: [
      { type: 'string', maxLength },
      { type: 'array', maxItems, items: { type: 'string', maxLength } },
    ],
  }) as const;
const filterArray = {
  anyOf: [
    { type: 'string', maxLength: 500 },
    {
      type: 'array',
      maxItems: 100,
      items: { anyOf: [{ type: 'string' }, { type: 'array', maxItems: 100, items: { type: 'string' } }] },
    },
  ],
} as const;

/** The Algolia search parameters this service reads; any other is ignored, as noted in docs/instantsearch.md. */
export const algoliaParamsSchema = {
  type: 'object',
  maxProperties: 100,
  properties: {
    query: { type: 'string', maxLength: 200 },
    hitsPerPage: { type: 'integer', minimum: 0, maximum: MAX_PAGE_SIZE },
    page: { type: 'integer', minimum: 0, maximum: 499 },
    facets: strings(50, 200),
    facetFilters: filterArray,
    numericFilters: filterArray,
    filters: { type: 'string' },
    maxValuesPerFacet: { type: 'integer', minimum: 1, maximum: 1000 },
    attributesToHighlight: strings(50, 200),
    attributesToRetrieve: strings(50, 200),
    highlightPreTag: { type: 'string', maxLength: 100 },
    highlightPostTag: { type: 'string', maxLength: 100 },
    clickAnalytics: { type: 'boolean' },
    analytics: { type: 'boolean' },
    analyticsTags: strings(10, 100),
    getRankingInfo: { type: 'boolean' },
    userToken: { ...sessionId, description: 'the shopper (search-insights userToken): the session of /search' },
    facetQuery: { type: 'string', maxLength: 50 },
    maxFacetHits: { type: 'integer', minimum: 1, maximum: 100 },
    // This service's own additions, which a page passes with InstantSearch's configure widget.
    customer: customerRef,
    profile: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
    channel: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,50}$' },
  },
} as const;
export type AlgoliaParams = FromSchema<typeof algoliaParamsSchema>;

/** Parameters that would change the results in ways this service cannot honour: refused, not ignored. */
const UNSUPPORTED = [
  'optionalFilters',
  'tagFilters',
  'aroundLatLng',
  'aroundRadius',
  'insideBoundingBox',
  'insidePolygon',
  'restrictSearchableAttributes',
] as const;

// Coercion reads the "params" string form (every value text); arrays there are JSON.
const validate = new Ajv({ coerceTypes: true, allErrors: false, strict: false }).compile<AlgoliaParams>(
  algoliaParamsSchema,
);

/** What an index name addresses. */
export type IndexTarget = { kind: 'products'; sort: SortOption } | { kind: 'suggestions' };

/** `name` is the products; `name_price_asc` and the other sorts its replicas; `name_query_suggestions` the suggestions. */
export function indexTarget(indexName: string, base: string): IndexTarget {
  if (indexName === base) return { kind: 'products', sort: 'relevance' };
  if (indexName === `${base}_query_suggestions`) return { kind: 'suggestions' };
  const sort = SORTS.find((s) => s !== 'relevance' && indexName === `${base}_${s}`);
  if (sort) return { kind: 'products', sort };
  throw new NotFoundError(`Index ${indexName.slice(0, 100)} does not exist`);
}

/** A query's parameters, from its fields and from its URL-encoded "params" string (older clients). */
export function algoliaParams(fields: Record<string, unknown>): AlgoliaParams {
  const { params, indexName: _i, type: _t, facet: _f, ...rest } = fields;
  const merged: Record<string, unknown> = {};
  if (typeof params === 'string')
    for (const [k, v] of new URLSearchParams(params)) {
      if (!v.startsWith('[')) merged[k] = v;
      else
        try {
          merged[k] = JSON.parse(v);
        } catch {
          throw new BadRequestError(`${k}: not valid JSON`, k);
        }
    }
  Object.assign(merged, rest);
  if (!validate(merged)) {
    const e = validate.errors![0]!;
    const name = e.instancePath.split('/')[1] ?? 'params';
    throw new BadRequestError(`${name}: ${e.message ?? 'is invalid'}`, name);
  }
  for (const p of UNSUPPORTED) {
    const v = merged[p];
    if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
      throw new BadRequestError(`${p}: not supported by this service`, p);
  }
  return merged as AlgoliaParams;
}

export const asList = (v: string | readonly string[] | undefined): string[] =>
  v === undefined ? [] : typeof v === 'string' ? v.split(',').map((s) => s.trim()) : [...v];

const CATEGORY_LEVEL = /^category\.lvl(\d)$/;
const ATTRIBUTE = /^attributes\.(.{1,100})$/;

/** The engine facet behind an Algolia facet attribute (undefined: not a facet of this service). */
export function engineFacet(attribute: string): FacetName | undefined {
  if (attribute === 'brand' || attribute === 'price' || attribute === 'rating' || attribute === 'in_stock')
    return attribute;
  const level = CATEGORY_LEVEL.exec(attribute);
  if (level && Number(level[1]) < MAX_CATEGORY_DEPTH) return 'category';
  if (ATTRIBUTE.test(attribute)) return 'attributes';
  return undefined;
}

/** The /search filters the groups say; each group must be one the engine can apply. */
function filterQuerystring(groups: Group[]): Partial<SearchQuerystring> {
  const out: Partial<SearchQuerystring> & { brand?: string[]; brand_not?: string[]; attr?: string[] } = {};
  const seen = new Set<string>();
  const once = (g: Group, key: string) => {
    if (seen.has(key)) throw new BadRequestError(`${g.from}: ${key} may be constrained by one group only`, g.from);
    seen.add(key);
  };
  const fail = (g: Group, why: string): never => {
    throw new BadRequestError(`${g.from}: ${why}`, g.from);
  };
  for (const g of groups) {
    const first = g.anyOf[0]!;
    if (g.anyOf.some((c) => c.attribute !== first.attribute || c.kind !== first.kind))
      fail(g, 'conditions ORed together must be on the same attribute');
    const a = first.attribute;
    const values = g.anyOf.map((c) => (c as Extract<Condition, { kind: 'facet' }>).value);
    const negated = g.anyOf.filter((c) => c.kind !== 'numeric' && c.negated).length;
    if (negated > 0 && (a !== 'brand' || first.kind !== 'facet' || g.anyOf.length > 1))
      fail(g, 'negation is supported on brand only, one value a condition');
    if (first.kind === 'facet') {
      if (values.some((v) => v.length === 0 || v.length > 200)) fail(g, `${a}: values must be 1-200 characters`);
      const level = CATEGORY_LEVEL.exec(a);
      if (negated > 0) {
        out.brand_not = [...(out.brand_not ?? []), values[0]!];
        if (out.brand_not.length > 20) fail(g, 'at most 20 brands left out');
      } else if (a === 'brand') {
        once(g, a);
        if (values.length > 20) fail(g, 'at most 20 brands');
        out.brand = values;
      } else if (level) {
        once(g, 'category');
        if (values.length > 1) fail(g, 'one category at a time (hierarchical menu)');
        if (values[0]!.split(CATEGORY_SEPARATOR).length !== Number(level[1]) + 1)
          fail(g, `${a}: "${values[0]!.slice(0, 60)}" is not a path of ${Number(level[1]) + 1} levels`);
        out.category = values[0]!;
      } else if (a === 'in_stock') {
        once(g, a);
        if (values.length > 1 || !['true', 'false'].includes(values[0]!)) fail(g, 'in_stock is true or false');
        out.in_stock = values[0] === 'true';
      } else if (ATTRIBUTE.test(a)) {
        once(g, a);
        const name = ATTRIBUTE.exec(a)![1]!;
        if (name.includes(':')) fail(g, `${a}: attribute names have no colon`);
        out.attr = [...(out.attr ?? []), ...values.map((v) => `${name}:${v}`)];
        if (out.attr.length > 20) fail(g, 'at most 20 attribute values');
      } else fail(g, `${a.slice(0, 60)} is not a filterable attribute`);
      continue;
    }
    if (g.anyOf.length > 1) fail(g, 'numeric conditions cannot be ORed');
    const bound = (
      key: 'price_min' | 'price_max' | 'rating_min',
      v: number,
      pick: (x: number, y: number) => number,
    ) => {
      const prev = out[key];
      out[key] = prev === undefined ? v : pick(prev, v);
    };
    if (first.kind === 'range') {
      if (a !== 'price') fail(g, `${a.slice(0, 60)}: ranges are supported on price`);
      bound('price_min', first.from, Math.max);
      bound('price_max', first.to, Math.min);
    } else if (a === 'price' && (first.op === '>=' || first.op === '=')) bound('price_min', first.value, Math.max);
    else if (a === 'price' && first.op === '<=') bound('price_max', first.value, Math.min);
    else if (a === 'rating' && first.op === '>=') bound('rating_min', first.value, Math.max);
    else fail(g, `${a.slice(0, 60)}${first.op} is not supported (price >=, <=, =, TO; rating >=)`);
    if (a === 'price' && first.kind === 'numeric' && first.op === '=') bound('price_max', first.value, Math.min);
  }
  if (out.price_min !== undefined && out.price_max !== undefined && out.price_min > out.price_max)
    out.price_max = out.price_min; // contradictory bounds find nothing, as on Algolia, not a 400
  return out;
}

export const FILTER_PARAMS = ['filters', 'facetFilters', 'numericFilters'] as const;

/** The filters of all three parameters, in /search's terms. */
export function filtersOf(p: AlgoliaParams): Partial<SearchQuerystring> {
  const budget = new ConditionBudget();
  return filterQuerystring([
    ...parseFilters(p.filters, budget),
    ...parseFilterArray('facetFilters', p.facetFilters, budget),
    ...parseFilterArray('numericFilters', p.numericFilters, budget),
  ]);
}

export interface ProductQuery {
  /** The /search querystring of the same request (tests compare the two routes with it). */
  querystring: SearchQuerystring;
  params: SearchParams;
  /** Facet attributes as asked for (Algolia names). */
  facets: string[];
  /** Hits are not wanted (hitsPerPage 0: a facets-only query). */
  noHits: boolean;
}

/** A products query as /search's querystring and the engine's parameters. */
export function productQuery(p: AlgoliaParams, sort: SortOption): ProductQuery {
  const facets = asList(p.facets);
  const wanted = facets.includes('*')
    ? undefined
    : [...new Set(facets.map(engineFacet).filter((f): f is FacetName => f !== undefined))];
  const size = p.hitsPerPage ?? 20;
  const querystring: SearchQuerystring = {
    ...(p.query !== undefined ? { q: p.query } : {}),
    ...filtersOf(p),
    ...(sort !== 'relevance' ? { sort } : {}),
    page: (p.page ?? 0) + 1,
    size: Math.max(size, 1),
    ...(wanted && wanted.length > 0 ? { facets: wanted.join(',') } : {}),
    ...(p.maxValuesPerFacet ? { brand_facet_size: Math.min(p.maxValuesPerFacet, 100) } : {}),
    // Searching for facet values: the brand facet searches within itself as /search's brand_facet_q.
    ...(p.facetQuery && facets.includes('brand') ? { brand_facet_q: p.facetQuery } : {}),
    ...(p.profile ? { profile: p.profile } : {}),
    ...(p.channel ? { channel: p.channel } : {}),
    ...(p.customer ? { customer: p.customer } : {}),
    ...(p.userToken ? { session: p.userToken } : {}),
  };
  const params = toSearchParams(querystring);
  return {
    querystring,
    params: wanted && wanted.length === 0 ? { ...params, facets: [] } : params,
    facets: facets.includes('*') ? ['*'] : facets,
    noHits: size === 0,
  };
}
