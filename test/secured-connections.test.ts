// Secured servers: Kafka's SASL_SSL listener (PLAIN, SCRAM-SHA-256/512), the TLS-only Redis with
// an ACL user, and the search engine over HTTPS with users and API keys: on OpenSearch its own
// security plugin, and an authenticating proxy in front of either engine. The clients, the
// indexer and service processes and the command-line tools connect with the right credentials
// (secrets read from *_FILE files, as containers mount them) and stop with a clear error that
// holds no secret with wrong ones.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEsClient } from '../common/clients/elasticsearch.ts';
import { checkKafka, createKafka, createProducer } from '../common/clients/kafka.ts';
import { consumeToEnd } from '../common/clients/kafka-range.ts';
import { connectRedis, createRedis } from '../common/clients/redis.ts';
import type { Config } from '../common/config.ts';
import { ConnectionError } from '../common/errors.ts';
import { freePort } from '../common/free-port.ts';
import { spawnScript } from '../common/spawn-script.ts';
import { waitFor } from './support/indexer.ts';
import { runCli } from './support/run-cli.ts';
import {
  defaultEsAuth,
  type KafkaMechanism,
  type SecuredEs,
  secretsIn,
  securedConfig,
  securedEnv,
  startSecuredEs,
  wrongSecret,
} from './support/secured.ts';
import { config, dropIndices, silentLog, uniqueName } from './support/stack.ts';

/** Asserts a text names none of the secrets (right or wrong) a test used. */
function assertNoSecret(text: string, secrets: string[], what: string): void {
  for (const s of secrets) assert.ok(!text.includes(s), `${what} holds a secret`);
}

async function rejectsClearly(
  work: () => Promise<unknown>,
  message: RegExp,
  secrets: string[],
): Promise<ConnectionError> {
  const err = await work().then(
    () => assert.fail('connected with wrong settings'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConnectionError, `a ConnectionError, got ${(err as Error).name}: ${(err as Error).message}`);
  assert.match(err.message, message);
  assertNoSecret(`${err.message}\n${err.stack}`, secrets, 'the error');
  return err;
}

describe('secured connections', () => {
  let es: SecuredEs;
  let good: Config;
  let secretDir: string;
  before(async () => {
    es = await startSecuredEs();
    good = securedConfig({ es, esAuth: defaultEsAuth() });
    secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
  });
  after(async () => {
    await es.close();
    fs.rmSync(secretDir, { recursive: true, force: true });
  });

  describe('Kafka over SASL_SSL', () => {
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as KafkaMechanism[]) {
      it(`round-trips a message as a ${mechanism} user`, async () => {
        const c = securedConfig({ es, kafka: mechanism });
        assert.equal(await checkKafka(c, 'secured-test', silentLog), undefined);
        const kafka = createKafka(c, uniqueName('client'), silentLog);
        const topic = uniqueName('secured');
        const admin = kafka.admin();
        await admin.connect();
        await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
        const producer = createProducer(kafka);
        try {
          await producer.connect();
          await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: `over ${mechanism}` }] });
          const got: string[] = [];
          await consumeToEnd(kafka, {
            topics: [topic],
            since: 'earliest',
            groupPrefix: uniqueName('g'),
            onMessages: async (ms) => {
              for (const m of ms) got.push(m.value!.toString());
            },
          });
          assert.deepEqual(got, [`over ${mechanism}`]);
        } finally {
          await producer.disconnect();
          await admin.deleteTopics({ topics: [topic] }).catch(() => {});
          await admin.disconnect();
        }
      });
    }

    it('refuses a wrong password and an untrusted certificate with clear, secret-free errors', async () => {
      const wrong = wrongSecret();
      const secrets = [wrong, ...secretsIn(good)];
      await rejectsClearly(
        () => checkKafka({ ...good, kafkaPassword: wrong }, 'secured-test', silentLog),
        /refused the SASL scram-sha-512 credentials of user "shop-scram512": check SHOP_KAFKA_USERNAME/,
        secrets,
      );
      await rejectsClearly(
        () => checkKafka({ ...good, kafkaCaFile: undefined }, 'secured-test', silentLog),
        /is not trusted: .*certificate.*SHOP_KAFKA_CA_FILE/,
        secrets,
      );
    });
  });

  describe('Redis with TLS and an ACL user', () => {
    it('stores and reads a value as the ACL user', async () => {
      const redis = createRedis(good);
      try {
        assert.equal(await connectRedis(redis, good), undefined);
        const key = `${uniqueName('secured')}:k`;
        await redis.set(key, 'over tls', 'EX', 60);
        assert.equal(await redis.get(key), 'over tls');
        assert.equal(await redis.acl('WHOAMI'), good.redisUsername);
      } finally {
        redis.disconnect();
      }
    });

    it('refuses a wrong password, no user and an untrusted certificate with clear, secret-free errors', async () => {
      const wrong = wrongSecret();
      const secrets = [wrong, ...secretsIn(good)];
      const attempt = (c: Config) => () => connectRedis(createRedis(c), c);
      await rejectsClearly(
        attempt({ ...good, redisPassword: wrong }),
        /refused the credentials of user "shop": check SHOP_REDIS_USERNAME and SHOP_REDIS_PASSWORD/,
        secrets,
      );
      await rejectsClearly(
        attempt({ ...good, redisUsername: undefined, redisPassword: undefined }),
        /refused the credentials of user "default"/,
        secrets,
      );
      await rejectsClearly(
        attempt({ ...good, redisCaFile: undefined }),
        /is not trusted: .*certificate.*SHOP_REDIS_CA_FILE/,
        secrets,
      );
    });
  });

  describe('the search engine over HTTPS with credentials (authenticating proxy)', () => {
    const viaProxy = () => securedConfig({ es });
    const variants: [string, () => Config][] = [
      ['an API key and a CA file', viaProxy],
      ['a user and password', () => securedConfig({ es, esAuth: 'basic' })],
      [
        'an API key given as id:api_key',
        () => ({ ...viaProxy(), esApiKey: Buffer.from(es.apiKey, 'base64').toString('utf8') }),
      ],
      [
        'a CA fingerprint instead of a file',
        () => ({ ...viaProxy(), esCaFile: undefined, esCaFingerprint: es.caFingerprint }),
      ],
    ];
    for (const [name, c] of variants)
      it(`detects the server and searches with ${name}`, async () => {
        const before = es.forwarded.length;
        const client = await createEsClient(c());
        try {
          const health = await client.cluster.health();
          assert.ok(['green', 'yellow'].includes(health.status));
          // The proxy forwards only authenticated requests: detection itself went through with them.
          assert.deepEqual(es.forwarded.slice(before, before + 2), ['GET /', 'GET /_cluster/health']);
        } finally {
          await client.close();
        }
      });

    it('refuses wrong or missing credentials and an untrusted certificate with clear, secret-free errors', async () => {
      const good = viaProxy();
      const wrong = Buffer.from(`x:${wrongSecret()}`).toString('base64');
      const secrets = [wrong, ...secretsIn(good), es.password];
      await rejectsClearly(
        () => createEsClient({ ...good, esApiKey: wrong }),
        /refused the credentials \(HTTP 401\): check SHOP_ES_API_KEY/,
        secrets,
      );
      await rejectsClearly(
        () => createEsClient({ ...good, esApiKey: undefined, esUsername: es.username, esPassword: wrongSecret() }),
        /refused the credentials \(HTTP 401\): check SHOP_ES_USERNAME and SHOP_ES_PASSWORD/,
        secrets,
      );
      await rejectsClearly(
        () => createEsClient({ ...good, esApiKey: undefined }),
        /requires credentials \(HTTP 401\)/,
        secrets,
      );
      await rejectsClearly(
        () => createEsClient({ ...good, esCaFile: undefined }),
        /is not trusted: .*certificate.*SHOP_ES_CA_FILE or SHOP_ES_CA_FINGERPRINT/,
        secrets,
      );
      await rejectsClearly(
        () => createEsClient({ ...good, esCaFile: undefined, esCaFingerprint: 'AB:CD:EF' }),
        /is not trusted: .*fingerprint/,
        secrets,
      );
    });
  });

  // Registered on the OpenSearch run only: Elasticsearch 7.10 has no security to run here.
  if (config.stackEngine === 'opensearch')
    describe('OpenSearch with its own security plugin', () => {
      const secured = () => securedConfig({ es, esAuth: 'opensearch-security' });
      it('detects the server and searches as its user, with a CA file or a CA fingerprint', async () => {
        for (const c of [secured(), { ...secured(), esCaFile: undefined, esCaFingerprint: es.caFingerprint }]) {
          const client = await createEsClient(c);
          try {
            assert.equal((await client.info()).version.number, '2.19.1');
            const who = await client.transport.request<{ user_name: string }>({
              method: 'GET',
              path: '/_plugins/_security/authinfo',
            });
            assert.equal(who.user_name, c.esUsername);
          } finally {
            await client.close();
          }
        }
      });

      it('refuses a wrong password, no credentials and an untrusted certificate with clear, secret-free errors', async () => {
        const wrong = wrongSecret();
        const secrets = [wrong, ...secretsIn(secured())];
        await rejectsClearly(
          () => createEsClient({ ...secured(), esPassword: wrong }),
          /refused the credentials \(HTTP 401\): check SHOP_ES_USERNAME and SHOP_ES_PASSWORD/,
          secrets,
        );
        await rejectsClearly(
          () => createEsClient({ ...secured(), esUsername: undefined, esPassword: undefined }),
          /requires credentials \(HTTP 401\)/,
          secrets,
        );
        await rejectsClearly(
          () => createEsClient({ ...secured(), esCaFile: undefined }),
          /is not trusted: .*certificate/,
          secrets,
        );
      });
    });

  describe('processes', () => {
    const alias = uniqueName('products');
    const topic = uniqueName('events');
    const base = () => ({
      ...securedEnv(good, secretDir),
      SHOP_INDEX_ALIAS: alias,
      SHOP_EVENTS_TOPIC: topic,
      SHOP_IMPRESSIONS_TOPIC: `${topic}.impressions`,
      SHOP_INDEXER_GROUP: uniqueName('indexer'),
      SHOP_INDEXER_METRICS_PORT: '0',
      SHOP_REDIS_PREFIX: `${uniqueName('p')}:`,
      SHOP_INDEX_SHARDS: '1',
      SHOP_LOG_LEVEL: 'info',
    });
    /** The same settings with one secret file holding a wrong value. */
    const withWrong = (variable: string, wrong: string) => {
      const file = path.join(secretDir, `wrong-${variable}`);
      fs.writeFileSync(file, wrong);
      return { ...base(), [variable]: file };
    };
    const esSecretFile = () => (good.esApiKey ? 'SHOP_ES_API_KEY_FILE' : 'SHOP_ES_PASSWORD_FILE');
    const children: ChildProcess[] = [];
    const start = (script: string, args: string[], env: Record<string, string>) => {
      const child = spawnScript(script, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout!.on('data', (d: Buffer) => (output += d));
      child.stderr!.on('data', (d: Buffer) => (output += d));
      children.push(child);
      return { child, output: () => output };
    };
    const stop = async (child: ChildProcess) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    };
    after(async () => {
      for (const c of children) await stop(c);
      const plain = await createEsClient({ ...good });
      await dropIndices(plain, alias);
      await dropIndices(plain, `${alias}_suggest`);
      await plain.close();
    });

    it('the indexer consumes over SASL_SSL and writes through the secured engine', async () => {
      const indexer = start('indexer/cli.ts', ['run'], base());
      const es2 = await createEsClient(good);
      try {
        await waitFor('the indexer to create its topics', async () => {
          const admin = createKafka(good, 'secured-test', silentLog).admin();
          await admin.connect();
          try {
            return (await admin.listTopics()).includes(topic);
          } finally {
            await admin.disconnect();
          }
        });
        const producer = createProducer(createKafka(good, 'secured-test', silentLog));
        await producer.connect();
        const product = {
          id: 'sec-1',
          title: 'secured steel kettle',
          price: 12.5,
          categories: ['Home'],
          in_stock: true,
        };
        await producer.send({
          topic,
          acks: -1,
          messages: [{ key: product.id, value: JSON.stringify({ op: 'upsert', id: product.id, version: 1, product }) }],
        });
        await producer.disconnect();
        const doc = await waitFor('the product in the index', async () => {
          const res = await es2.search<{ title: string }>({ index: alias, query: { ids: { values: ['sec-1'] } } });
          return res.hits.hits[0]?._source;
        }).catch((err: Error) => assert.fail(`${err.message}; indexer output:\n${indexer.output()}`));
        assert.equal(doc.title, 'secured steel kettle');
      } finally {
        await es2.close();
        await stop(indexer.child);
      }
      assertNoSecret(indexer.output(), secretsIn(good), 'the indexer output');
    });

    it('the service answers searches with every dependency ready', async () => {
      const port = await freePort();
      const service = start('query/http/main.ts', [], { ...base(), SHOP_HTTP_PORT: String(port) });
      try {
        const ready = await waitFor(
          'the service to be ready',
          async () => {
            const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
            return res.ok ? ((await res.json()) as { dependencies: { name: string; up: boolean }[] }) : undefined;
          },
          90000,
        );
        assert.deepEqual(Object.fromEntries(ready.dependencies.map((d) => [d.name, d.up])), {
          elasticsearch: true,
          redis: true,
          kafka: true,
        });
        const res = await fetch(`http://127.0.0.1:${port}/search?q=kettle`);
        const body = (await res.json()) as { hits: { id: string }[] };
        assert.deepEqual(
          body.hits.map((h) => h.id),
          ['sec-1'],
        );
      } finally {
        await stop(service.child);
      }
      assertNoSecret(service.output(), secretsIn(good), 'the service log');
    });

    it('the command-line tools connect with the secured settings', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secured-cli-'));
      const clicks = path.join(dir, 'clicks.csv');
      fs.writeFileSync(clicks, 'query,sku,click_time\nkettle,sec-1,2026-01-01 00:00:00\n');
      const searches = path.join(dir, 'searches.csv');
      fs.writeFileSync(
        searches,
        'query,user,query_time\nkettle,u1,2026-01-01 00:00:00\nkettle,u2,2026-01-02 00:00:00\n',
      );
      const runs: [string, string[], RegExp][] = [
        ['mappings/cli.ts', ['list'], new RegExp(`${alias}-\\d+\\s+LIVE`)],
        ['ranking/cli.ts', ['learn', '--clicks', clicks], /"queries":1/],
        ['query/suggest/build/cli.ts', ['rebuild', '--log', searches], /"from_queries":1/],
        ['recommender/cli.ts', ['versions'], /\[\]|versions/],
      ];
      for (const [script, args, expected] of runs) {
        const r = await runCli(script, args, base());
        assert.equal(r.code, 0, `${script} ${args[0]}: ${r.err}`);
        assert.match(r.out, expected, `${script} ${args[0]}`);
        assertNoSecret(r.out + r.err, secretsIn(good), `${script} output`);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('each process stops at start with a clear, secret-free error when a credential is wrong', async () => {
      const wrong = wrongSecret();
      const secrets = [wrong, ...secretsIn(good)];
      const cases: [string, string[], string, RegExp][] = [
        ['indexer/cli.ts', ['run'], 'SHOP_KAFKA_PASSWORD_FILE', /indexer: Kafka at .* refused the SASL/],
        ['query/http/main.ts', [], 'SHOP_REDIS_PASSWORD_FILE', /Redis at rediss:.* refused the credentials of user/],
        ['mappings/cli.ts', ['list'], esSecretFile(), /index: the search engine at .* refused the credentials/],
        ['ranking/cli.ts', ['learned'], 'SHOP_REDIS_PASSWORD_FILE', /ranking: Redis at .* refused the credentials/],
        ['query/suggest/build/cli.ts', ['rebuild', '--from-topic'], esSecretFile(), /suggest: the search engine/],
        ['recommender/cli.ts', ['versions'], 'SHOP_KAFKA_PASSWORD_FILE', /Kafka at .* refused the SASL/],
      ];
      for (const [script, args, variable, message] of cases) {
        const r = await runCli(script, args, {
          ...withWrong(variable, wrong),
          SHOP_HTTP_PORT: String(await freePort()),
        });
        assert.notEqual(r.code, 0, `${script} started with a wrong ${variable}`);
        assert.match(r.out + r.err, message, `${script}: ${r.err}`);
        assertNoSecret(r.out + r.err, secrets, `${script} output`);
      }
    });
  });
});
