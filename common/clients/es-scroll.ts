// Every hit of a search, page by page through a scroll context that is cleared at the end.
import type { EsClient } from './elasticsearch.ts';

export async function* scrollHits<T>(
  es: EsClient,
  request: { index: string; _source: string[]; query?: Record<string, unknown> },
  pageSize = 2000,
): AsyncGenerator<{ _id: string; _source?: T }> {
  let res = await es.search<T>({ ...request, size: pageSize, scroll: '30s' });
  try {
    while (res.hits.hits.length > 0) {
      for (const h of res.hits.hits) yield h as { _id: string; _source?: T };
      res = await es.scroll<T>({ scroll_id: res._scroll_id!, scroll: '30s' });
    }
  } finally {
    if (res._scroll_id) await es.clearScroll({ scroll_id: res._scroll_id }).catch(() => {});
  }
}
