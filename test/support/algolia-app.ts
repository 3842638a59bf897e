// The service as the Algolia protocol tests use it: a demo catalog indexed, suggestions published,
// impressions and events on fresh topics, listening on a free port; and the events that reached
// the topic.
import type { Product } from '../../catalog/product.ts';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { consumeToEnd } from '../../common/clients/kafka-range.ts';
import type { Kafka } from '../../common/clients/kafka.ts';
import type { Config } from '../../common/config.ts';
import { catalogText } from '../../query/suggest/build/catalog-phrases.ts';
import { buildTestApp, type TestApp } from './app.ts';
import { demoCatalogFile, indexCatalog } from './catalogs.ts';
import { publishSuggestions } from './suggestions.ts';
import { silentLog, uniqueName } from './stack.ts';

export interface AlgoliaApp {
  t: TestApp;
  alias: string;
  products: Product[];
  base: string;
  eventsTopic: string;
}

export async function algoliaApp(es: EsClient, kafka: Kafka, seed: number, settings: Partial<Config> = {}) {
  const demo = demoCatalogFile(400, seed);
  const alias = await indexCatalog(es, demo.file);
  const eventsTopic = uniqueName('events');
  const t = await buildTestApp(
    es,
    {
      indexAlias: alias,
      cacheEnabled: false,
      impressionsTopic: uniqueName('impressions'),
      shopperEventsTopic: eventsTopic,
      ...settings,
    },
    undefined,
    silentLog,
    kafka,
  );
  await publishSuggestions(t, (await catalogText(es, alias)).phrases);
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, alias, products: demo.products, base, eventsTopic } satisfies AlgoliaApp;
}

/** Every event on the topic so far. */
export async function eventsOn(kafka: Kafka, topic: string): Promise<Record<string, unknown>[]> {
  const seen: Record<string, unknown>[] = [];
  await consumeToEnd(kafka, {
    topics: [topic],
    since: 'earliest',
    groupPrefix: uniqueName('read'),
    onMessages: async (ms) => {
      for (const m of ms) seen.push(JSON.parse(m.value!.toString()) as Record<string, unknown>);
    },
  });
  return seen;
}
