// The degraded "similar items" when Redis is down: Elasticsearch more-like-this over the live
// index's text fields.
import type { Product } from '../../catalog/product.ts';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { summarize } from '../publish/product-summary.ts';
import type { DegradedSimilar } from './rails.ts';

export function moreLikeThis(es: EsClient, alias: string, budgetMs: number): DegradedSimilar {
  return async (id, size) => {
    const res = await es.search<Product>(
      {
        index: alias,
        size,
        _source: ['id', 'title', 'price', 'currency', 'brand', 'categories', 'in_stock', 'rating'],
        query: {
          more_like_this: {
            fields: ['title', 'description', 'brand'],
            like: [{ _index: alias, _id: id }],
            min_term_freq: 1,
            min_doc_freq: 1,
            max_query_terms: 25,
          },
        },
      },
      { requestTimeout: budgetMs },
    );
    return res.hits.hits.flatMap((h) =>
      h._source?.title ? [summarize({ ...h._source, id: h._source.id ?? h._id })] : [],
    );
  };
}
