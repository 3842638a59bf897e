import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  esPortOf,
  esTransportPortOf,
  envOf,
  esUrlOf,
  kafkaBrokersOf,
  kafkaSaslPortOf,
  loadConfig,
  redactedConfig,
  redisTlsPortOf,
  scrub,
  settings,
  settingsMarkdown,
} from '../../common/config.ts';

describe('config', () => {
  it('uses the documented defaults when nothing is set', () => {
    const c = loadConfig({});
    assert.equal(c.indexShards, 3);
    assert.equal(c.indexRefreshInterval, '1s');
    assert.equal(esUrlOf(c), 'http://127.0.0.1:19200');
    assert.deepEqual(kafkaBrokersOf(c), ['127.0.0.1:19092']);
  });

  it('reads typed values from the environment and points at external servers', () => {
    const c = loadConfig({
      SHOP_INDEX_SHARDS: '5',
      SHOP_ES_URL: 'https://es.example:9200',
      SHOP_KAFKA_BROKERS: 'a:9092, b:9092',
      SHOP_STACK_INSTALL: 'no',
    });
    assert.equal(c.indexShards, 5);
    assert.equal(esUrlOf(c), 'https://es.example:9200');
    assert.deepEqual(kafkaBrokersOf(c), ['a:9092', 'b:9092']);
    assert.equal(c.stackInstall, false);
  });

  it('names the variable in the error for a bad value', () => {
    assert.throws(() => loadConfig({ SHOP_HTTP_PORT: '70000' }), /SHOP_HTTP_PORT must be a port/);
    assert.throws(() => loadConfig({ SHOP_INDEX_SHARDS: 'three' }), /SHOP_INDEX_SHARDS must be an integer/);
    assert.throws(() => loadConfig({ SHOP_LOG_LEVEL: 'loud' }), /SHOP_LOG_LEVEL must be one of/);
    assert.throws(() => loadConfig({ SHOP_HTTP_PORT: '0' }), /SHOP_HTTP_PORT must be a port/);
    assert.equal(
      loadConfig({ SHOP_INDEXER_METRICS_PORT: '0' }).indexerMetricsPort,
      0,
      '0 turns the metrics endpoint off',
    );
  });

  it('reads durations such as 90s, 6h or 1d, and 0 as off', () => {
    assert.equal(loadConfig({ SHOP_RECS_RETRAIN_EVERY: '6h' }).recsRetrainEveryMs, 6 * 3_600_000);
    assert.equal(loadConfig({ SHOP_RECS_RETRAIN_EVERY: '90s' }).recsRetrainEveryMs, 90_000);
    assert.equal(loadConfig({ SHOP_RECS_RETRAIN_EVERY: '0' }).recsRetrainEveryMs, 0);
    for (const bad of ['6', '1w', '-1d', 'daily'])
      assert.throws(() => loadConfig({ SHOP_RECS_RETRAIN_EVERY: bad }), /SHOP_RECS_RETRAIN_EVERY must be a duration/);
  });

  it('gives a child process the environment of the same configuration', () => {
    const c = loadConfig({
      SHOP_INDEX_SHARDS: '5',
      SHOP_KAFKA_BROKERS: 'a:9092,b:9092',
      SHOP_STACK_INSTALL: 'no',
      SHOP_RECS_RETRAIN_EVERY: '6h',
      SHOP_ADMIN_KEYS: 'ops:k3y-value',
      SHOP_LOG_LEVEL: 'debug',
    });
    assert.deepEqual(loadConfig(envOf(c)), c);
  });

  it('documents every setting in the Markdown table', () => {
    const table = settingsMarkdown();
    for (const s of Object.values(settings)) assert.match(table, new RegExp(`\\| \`${s.env}\` \\|`));
  });
});

describe('secret settings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-secrets-'));
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };

  it('reads a secret from its *_FILE variable, without the trailing newline', () => {
    const c = loadConfig({ SHOP_ES_PASSWORD_FILE: file('pw', 's3cret-from-file\n'), SHOP_ES_USERNAME: 'shop' });
    assert.equal(c.esPassword, 's3cret-from-file');
  });

  it('refuses a secret given both ways, and names an unreadable file without its contents', () => {
    assert.throws(
      () => loadConfig({ SHOP_KAFKA_PASSWORD: 'a', SHOP_KAFKA_PASSWORD_FILE: file('k', 'b') }),
      /set SHOP_KAFKA_PASSWORD or SHOP_KAFKA_PASSWORD_FILE, not both/,
    );
    assert.throws(
      () => loadConfig({ SHOP_REDIS_PASSWORD_FILE: path.join(dir, 'missing') }),
      /SHOP_REDIS_PASSWORD_FILE: cannot read .*missing \(ENOENT\)/,
    );
  });

  it('only secret settings have *_FILE variants', () => {
    assert.equal(loadConfig({ SHOP_ES_URL_FILE: file('url', 'http://elsewhere:9200') }).esUrl, undefined);
    const secrets = Object.values(settings)
      .filter((s) => 'secret' in s && s.secret)
      .map((s) => s.env);
    assert.deepEqual(secrets.sort(), [
      'SHOP_ADMIN_KEYS',
      'SHOP_API_KEYS',
      'SHOP_CURSOR_SECRET',
      'SHOP_CUSTOMER_TOKEN_SECRET',
      'SHOP_ES_API_KEY',
      'SHOP_ES_PASSWORD',
      'SHOP_KAFKA_PASSWORD',
      'SHOP_REDIS_PASSWORD',
    ]);
  });

  it('prints the configuration with every secret and URL password redacted', () => {
    const c = loadConfig({
      SHOP_ES_API_KEY: 'api-key-value-1',
      SHOP_ES_PASSWORD_FILE: file('es', 'es-password-2'),
      SHOP_KAFKA_PASSWORD: 'kafka-password-3',
      SHOP_REDIS_PASSWORD: 'redis-password-4',
      SHOP_REDIS_URL: 'rediss://user:url-password-5@redis.example:6380',
      SHOP_ES_URL: 'https://elastic:url-password-6@es.example:9243',
    });
    const printed = JSON.stringify(redactedConfig(c));
    for (const secret of [
      'api-key-value-1',
      'es-password-2',
      'kafka-password-3',
      'redis-password-4',
      'url-password-',
    ]) {
      assert.ok(!printed.includes(secret), `${secret} printed`);
    }
    const shown = redactedConfig(c);
    assert.equal(shown.esApiKey, '[redacted]');
    assert.equal(shown.redisUrl, 'rediss://user:[redacted]@redis.example:6380');
    assert.equal(shown.kafkaUsername, undefined, 'unset settings stay unset');
    assert.equal(scrub('failed: kafka-password-3 at https://a:b@x', c), 'failed: [redacted] at https://a:[redacted]@x');
  });

  it('the settings table names each secret file variable', () => {
    assert.match(settingsMarkdown(), /`SHOP_ES_API_KEY_FILE`/);
  });

  it('docs/settings.md holds the table generated from the settings (npm run config -- --write-docs)', () => {
    const table = settingsMarkdown();
    const page = fs.readFileSync(new URL('../../docs/settings.md', import.meta.url), 'utf8');
    const at = page.indexOf(table.slice(0, table.indexOf('\n')));
    assert.ok(at > 0, 'docs/settings.md has the settings table after its introduction');
    assert.equal(page.slice(at), `${table}\n`);
  });
});

describe('embedded engine ports', () => {
  it('puts OpenSearch and the secured listeners beside the configured ports unless set', () => {
    const c = loadConfig({
      SHOP_STACK_ENGINE: 'opensearch',
      SHOP_STACK_ES_PORT: '20200',
      SHOP_STACK_KAFKA_PORT: '20092',
    });
    assert.equal(esUrlOf(c), 'http://127.0.0.1:20250');
    assert.equal(esTransportPortOf(c), 19350);
    assert.equal(kafkaSaslPortOf(c), 20094);
    assert.equal(redisTlsPortOf(c), 16380);
    const set = loadConfig({ SHOP_STACK_ENGINE: 'opensearch', SHOP_STACK_OPENSEARCH_PORT: '21000' });
    assert.equal(esPortOf(set), 21000);
    assert.equal(esPortOf({ ...set, stackEngine: 'elasticsearch' }), 19200);
  });
});
