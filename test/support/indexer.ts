// Fixtures for indexer tests: unique topics, group and alias; publishing; reading the index back;
// and the state each product must end in (its events applied in version order).
import { after, before } from 'node:test';
import type { KafkaMessage, Producer } from 'kafkajs';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { createProducer, type Kafka } from '../../common/clients/kafka.ts';
import { createMetricsRegistry } from '../../common/metrics.ts';
import { createIndexer, type Indexer, type IndexerOptions } from '../../indexer/consumer.ts';
import { type DeadLetterView, readDeadLetter } from '../../indexer/dead-letter.ts';
import type { ProductEvent } from '../../indexer/event.ts';
import { applyEvents, isLive } from '../../indexer/merge.ts';
import { createIndexerMetrics } from '../../indexer/metrics.ts';
import type { StoredDocument } from '../../indexer/stored-document.ts';
import { ensureTopics, eventTopicsOf, type EventTopics } from '../../indexer/topics.ts';
import { ensureLiveIndex, type IndexOptions } from '../../mappings/lifecycle.ts';
import { silentLog, testEs, testIndexOptions, testKafka, uniqueName } from './stack.ts';

export interface IndexerFixture {
  es: EsClient;
  kafka: Kafka;
  producer: Producer;
  topics: EventTopics;
  groupId: string;
  index: IndexOptions;
  close(): Promise<void>;
}

export async function indexerFixture(partitions = 3): Promise<IndexerFixture> {
  const es = await testEs();
  const kafka = testKafka();
  const topics = eventTopicsOf(uniqueName('events'));
  const index = testIndexOptions();
  await ensureTopics(kafka, topics, partitions);
  await ensureLiveIndex(es, index);
  const producer = createProducer(kafka);
  await producer.connect();
  return {
    es,
    kafka,
    producer,
    topics,
    groupId: uniqueName('indexer'),
    index,
    async close() {
      await producer.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
      await admin.disconnect();
      await es.indices.delete({ index: `${index.alias}-*`, ignore_unavailable: true, allow_no_indices: true });
      await es.close();
    },
  };
}

export function startIndexer(
  f: IndexerFixture,
  overrides: Partial<IndexerOptions> = {},
): Promise<Indexer> & { indexer: Indexer } {
  const indexer = createIndexer({
    kafka: f.kafka,
    es: f.es,
    log: silentLog,
    metrics: createIndexerMetrics(createMetricsRegistry()),
    alias: f.index.alias,
    topics: f.topics,
    groupId: f.groupId,
    concurrency: 3,
    sessionTimeoutMs: 10000,
    batchSize: 500,
    batchBytes: 8 * 2 ** 20,
    maxEventBytes: 64 * 1024,
    deadLetterMaxBytes: 768 * 1024,
    backoff: { baseMs: 50, maxMs: 1000 },
    ...overrides,
  });
  return Object.assign(
    indexer.start().then(() => indexer),
    { indexer },
  );
}

/** Sends raw message values (strings, so tests can send broken JSON), keyed as given. */
export async function sendRaw(
  producer: Producer,
  topic: string,
  messages: { key: string | null; value: string }[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 2000)
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 2000) });
}

export const sendEvents = (producer: Producer, topic: string, events: ProductEvent[]) =>
  sendRaw(
    producer,
    topic,
    events.map((e) => ({ key: e.id, value: JSON.stringify(e) })),
  );

/** Every document of an index (not the alias: tombstones included). */
export async function readIndex(es: EsClient, index: string): Promise<Map<string, StoredDocument>> {
  await es.indices.refresh({ index });
  const out = new Map<string, StoredDocument>();
  let res = await es.search<StoredDocument>({ index, size: 5000, scroll: '1m', query: { match_all: {} } });
  while (res.hits.hits.length > 0) {
    for (const h of res.hits.hits) out.set(h._id!, h._source!);
    res = await es.scroll<StoredDocument>({ scroll_id: res._scroll_id!, scroll: '1m' });
  }
  if (res._scroll_id) await es.clearScroll({ scroll_id: res._scroll_id });
  return out;
}

export interface ExpectedProduct {
  fields: Record<string, unknown>;
  live: boolean;
  version: number;
}

/** The state each product must end in: its events applied in version order. */
export function expectedStates(events: ProductEvent[]): Map<string, ExpectedProduct> {
  const byId = new Map<string, ProductEvent[]>();
  for (const e of events) byId.set(e.id, [...(byId.get(e.id) ?? []), e]);
  const out = new Map<string, ExpectedProduct>();
  for (const [id, list] of byId) {
    const s = applyEvents(
      undefined,
      [...list].sort((a, b) => a.version - b.version),
    )!;
    out.set(id, { fields: s.fields, live: isLive(s), version: s.version });
  }
  return out;
}

/** The observable state of a stored document, in the shape of ExpectedProduct. */
export function observed(doc: StoredDocument | undefined): ExpectedProduct | undefined {
  if (!doc) return undefined;
  const fields: Record<string, unknown> = {};
  for (const f of Object.keys(doc.fv)) {
    const v = (doc as unknown as Record<string, unknown>)[f];
    if (v !== undefined && v !== null) fields[f] = v;
  }
  return { fields, live: doc.live, version: doc.version };
}

/** Lists the product ids whose stored state differs from the expected one. */
export function differences(expected: Map<string, ExpectedProduct>, actual: Map<string, StoredDocument>): string[] {
  const bad: string[] = [];
  for (const [id, want] of expected) {
    const got = observed(actual.get(id));
    if (JSON.stringify(sortKeys(got)) !== JSON.stringify(sortKeys(want))) bad.push(id);
  }
  return bad;
}

const sortKeys = (x: unknown): unknown =>
  Array.isArray(x)
    ? x.map(sortKeys)
    : x && typeof x === 'object'
      ? Object.fromEntries(
          Object.entries(x)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sortKeys(v)]),
        )
      : x;

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 60000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
  );
}

/** The dead letters of a topic, once `expected` of them are there (large records included). */
export async function readDeadLetters(f: IndexerFixture, topic: string, expected: number): Promise<DeadLetterView[]> {
  const consumer = f.kafka.consumer({ groupId: uniqueName('dlq-reader'), maxBytesPerPartition: 4 * 2 ** 20 });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void got.push(message) });
  await waitFor(`${expected} dead letters`, async () => got.length >= expected, 30000);
  await consumer.disconnect();
  return got.map(readDeadLetter);
}

/** Sum of committed offsets of a group on a topic (-1 partitions count as 0). */
export { committedCount } from '../../common/clients/kafka-offsets.ts';

/** Registers a fixture for the enclosing describe(): created before its tests, torn down after, with any indexer started on it. */
export function indexerSuite(partitions = 3): { readonly f: IndexerFixture; indexer?: Indexer } {
  let fixture: IndexerFixture | undefined;
  const suite: { readonly f: IndexerFixture; indexer?: Indexer } = {
    get f() {
      if (!fixture) throw new Error('indexer fixture used outside its tests');
      return fixture;
    },
  };
  before(async () => {
    fixture = await indexerFixture(partitions);
  });
  after(async () => {
    await suite.indexer?.stop();
    await fixture?.close();
  });
  return suite;
}
