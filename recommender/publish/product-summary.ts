// What a rail needs to render an item, joined from a snapshot taken at publish time; serve-time
// filters (stock, category, price) read it too.
import type { Product } from '../../catalog/product.ts';
import { categoryPathString } from '../../catalog/product.ts';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { scrollHits } from '../../common/clients/es-scroll.ts';

export interface ProductSummary {
  id: string;
  title: string;
  price?: number;
  currency?: string;
  brand?: string;
  /** Full category path, e.g. "Toys > Trains". */
  category?: string;
  in_stock?: boolean;
  rating?: number;
}

export function summarize(p: Product): ProductSummary {
  const s: ProductSummary = { id: p.id, title: p.title };
  if (p.price !== undefined) s.price = p.price;
  if (p.currency !== undefined) s.currency = p.currency;
  if (p.brand !== undefined) s.brand = p.brand;
  if (p.categories?.length) s.category = categoryPathString(p.categories);
  if (p.in_stock !== undefined) s.in_stock = p.in_stock;
  if (p.rating !== undefined) s.rating = p.rating;
  return s;
}

/** The live products of the index behind an alias (its filtered alias hides deleted ones). */
export async function* indexedProducts(es: EsClient, alias: string): AsyncGenerator<Product> {
  for await (const h of scrollHits<Product>(es, {
    index: alias,
    _source: ['id', 'title', 'price', 'currency', 'brand', 'categories', 'in_stock', 'rating'],
  })) {
    if (h._source?.title) yield { ...h._source, id: h._source.id ?? h._id };
  }
}
