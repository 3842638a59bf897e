// /health/ready reports each dependency and turns not-ready when a required one stops.
// A dedicated Redis is started for this test so the shared stack stays up for the others.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { createRedis, type Redis } from '../common/clients/redis.ts';
import { freePort } from '../common/free-port.ts';
import { esProbe, kafkaProbe, redisProbe } from '../query/http/readiness.ts';
import { stopByPidFile } from '../stack/processes.ts';
import { redisService } from '../stack/redis.ts';
import { startService } from '../stack/stack.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { config, testEs, testKafka, uniqueName } from './support/stack.ts';

describe('readiness', () => {
  let es: EsClient;
  let redis: Redis;
  let app: FastifyInstance;
  let service: ReturnType<typeof redisService>;
  let testApp: TestApp;

  before(async () => {
    const port = await freePort();
    service = redisService({ ...config, redisUrl: undefined }, `redis-ready-${port}`, port);
    await startService(service, config, () => {});
    es = await testEs();
    redis = createRedis({ ...config, redisUrl: `redis://127.0.0.1:${port}` });
    redis.on('error', () => {});
    await redis.connect();
    testApp = await buildTestApp(
      es,
      { indexAlias: uniqueName('ready') },
      { elasticsearch: esProbe(es), redis: redisProbe(redis), kafka: kafkaProbe(testKafka()) },
    );
    app = testApp.app;
  });
  after(async () => {
    await testApp.close();
    redis.disconnect();
    await es.close();
    await stopByPidFile(service.processes[0]!.pidFile);
  });

  it('is live and ready with every dependency up, each with a latency', async () => {
    assert.equal((await app.inject('/health/live')).statusCode, 200);
    const res = await app.inject('/health/ready');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { status: string; dependencies: { name: string; up: boolean; latencyMs: number }[] };
    assert.equal(body.status, 'ready');
    assert.deepEqual(
      body.dependencies.map((d) => [d.name, d.up]),
      [
        ['elasticsearch', true],
        ['redis', true],
        ['kafka', true],
      ],
    );
    for (const d of body.dependencies) assert.ok(d.latencyMs >= 0 && d.latencyMs < 1500);
  });

  it('answers 503 not_ready with Retry-After once a required dependency is stopped', async () => {
    assert.ok(await stopByPidFile(service.processes[0]!.pidFile), 'the test redis was running');
    const t0 = Date.now();
    const res = await app.inject('/health/ready');
    assert.ok(Date.now() - t0 < 3000, 'the probe does not hang');
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.headers['retry-after'], '5');
    const body = res.json() as { status: string; dependencies: { name: string; up: boolean }[] };
    assert.equal(body.status, 'not_ready');
    assert.equal(body.dependencies.find((d) => d.name === 'redis')!.up, false);
    assert.equal(body.dependencies.find((d) => d.name === 'elasticsearch')!.up, true);
    assert.equal((await app.inject('/health/live')).statusCode, 200, 'liveness does not depend on dependencies');
  });
});
