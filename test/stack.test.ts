// The embedded stack is up (with the configured engine) and each server does real work.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stackStatus } from '../stack/stack.ts';
import { config, testEs, testKafka, testRedis, uniqueName } from './support/stack.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';

describe('embedded stack', () => {
  let es: EsClient;
  before(async () => {
    es = await testEs();
  });
  after(() => es.close());

  it('reports every server running and healthy', async () => {
    const rows = await stackStatus(config);
    assert.deepEqual(
      rows.map((r) => r.name),
      [
        config.stackEngine,
        ...(config.stackEngine === 'opensearch' ? ['opensearch-secured'] : []),
        'kafka',
        'redis',
        'redis-secured',
      ],
    );
    for (const r of rows) {
      assert.ok(r.state === 'running' || r.state === 'external', `${r.name} is ${r.state}`);
      if (r.state === 'running') assert.doesNotMatch(r.health, /unhealthy/, `${r.name}: ${r.health}`);
    }
  });

  it('indexes a document that is searchable after a refresh', async () => {
    const index = uniqueName('doc');
    await es.indices.create({ index, settings: { number_of_shards: 2, number_of_replicas: 0 } });
    try {
      await es.index({ index, id: 'x1', document: { title: 'wireless headphones' } });
      await es.indices.refresh({ index });
      const res = await es.search<{ title: string }>({ index, query: { match: { title: 'headphones' } } });
      assert.equal(res.hits.hits.length, 1);
      assert.equal(res.hits.hits[0]!._source!.title, 'wireless headphones');
    } finally {
      await es.indices.delete({ index, ignore_unavailable: true });
    }
  });

  it('round-trips a Kafka message through a new topic', async () => {
    const kafka = testKafka();
    const topic = uniqueName('topic');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: uniqueName('group') });
    try {
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k1', value: 'hello kafka' }] });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got = await new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => resolve(`${message.key?.toString()}=${message.value?.toString()}`),
        });
      });
      assert.equal(got, 'k1=hello kafka');
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    }
  });

  it('round-trips a Redis value under a unique prefix', async () => {
    const redis = testRedis();
    await redis.connect();
    const key = `${uniqueName('redis')}:greeting`;
    try {
      await redis.set(key, 'hello redis', 'EX', 60);
      assert.equal(await redis.get(key), 'hello redis');
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });
});
