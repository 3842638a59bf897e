// Turns a catalog product into the document the products index stores: everything a result
// page needs, so nothing else is called at query time.
import { categoryPathString, type Product } from '../catalog/product.ts';
import { MAX_CATEGORY_DEPTH } from './products.ts';

export interface ProductDocument {
  id: string;
  title: string;
  title_head: string;
  description?: string;
  brand?: string;
  category: Record<string, string>;
  category_paths: string[];
  category_leaf?: string;
  category_depth: number;
  category_text?: string;
  price?: number;
  list_price?: number;
  discount_pct?: number;
  currency?: string;
  rating?: number;
  rating_count?: number;
  in_stock?: boolean;
  popularity?: number;
  signals: { popularity?: number; rating?: number };
  attributes?: Record<string, string>;
  attrs: { name: string; value: string }[];
  related?: string[];
  suggest?: { input: string[]; weight: number };
  created_at?: string;
}

// Ratings are shrunk toward a prior so one five-star review does not beat a thousand 4.6s.
const RATING_PRIOR = 3.5;
const RATING_PRIOR_WEIGHT = 10;

export function bayesianRating(rating: number | undefined, count: number | undefined): number | undefined {
  if (rating === undefined) return undefined;
  const n = count ?? 1;
  return (rating * n + RATING_PRIOR * RATING_PRIOR_WEIGHT) / (n + RATING_PRIOR_WEIGHT);
}

/** rank_feature values must be positive normal floats; anything else is left out. */
const positive = (v: number | undefined): number | undefined =>
  v !== undefined && Number.isFinite(v) && v > 1e-6 ? v : undefined;

export function categoryFields(categories: readonly string[] | undefined) {
  const levels = (categories ?? [])
    .map((c) => c.trim())
    .filter(Boolean)
    .slice(0, MAX_CATEGORY_DEPTH);
  const paths = levels.map((_, i) => categoryPathString(levels.slice(0, i + 1)));
  return {
    category: Object.fromEntries(paths.map((p, i) => [`lvl${i}`, p])),
    category_paths: paths,
    category_leaf: paths.at(-1),
    category_depth: levels.length,
    category_text: levels.length > 0 ? levels.join(' ') : undefined,
  };
}

// "Battery for Lenovo Laptops" is a battery: the words after "for" name what it fits.
const FITS = /\s+(?:for|fits|to fit|compatible with|replacement for)\s+/i;

/** The part of a title that names the product itself. */
export function titleHead(title: string): string {
  const m = FITS.exec(title);
  return m && m.index > 0 ? title.slice(0, m.index) : title;
}

export function toProductDocument(p: Product): ProductDocument {
  const discount =
    p.price !== undefined && p.list_price !== undefined && p.list_price > p.price
      ? ((p.list_price - p.price) / p.list_price) * 100
      : undefined;
  const attributes = p.attributes && Object.keys(p.attributes).length > 0 ? p.attributes : undefined;
  // undefined fields are dropped by JSON serialization, so absent stays absent in the index.
  return {
    id: p.id,
    title: p.title,
    title_head: titleHead(p.title),
    description: p.description,
    brand: p.brand,
    ...categoryFields(p.categories),
    price: p.price,
    list_price: p.list_price,
    discount_pct: discount,
    currency: p.currency,
    rating: p.rating,
    rating_count: p.rating_count,
    in_stock: p.in_stock,
    popularity: p.popularity,
    signals: { popularity: positive(p.popularity), rating: positive(bayesianRating(p.rating, p.rating_count)) },
    attributes,
    attrs: Object.entries(attributes ?? {}).map(([name, value]) => ({ name, value: String(value) })),
    related: p.related,
    suggest: {
      input: [p.title, ...(p.brand ? [`${p.brand} ${p.title}`] : [])]
        .map((s) => s.slice(0, 60))
        .filter((s) => s.trim() !== ''),
      weight: Math.max(1, Math.round(Math.log1p(p.popularity ?? 0) * 10)),
    },
    created_at: p.created_at,
  };
}
