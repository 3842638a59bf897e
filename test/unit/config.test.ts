import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { esUrlOf, kafkaBrokersOf, loadConfig, settings, settingsMarkdown } from '../../common/config.ts';

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

  it('documents every setting in the Markdown table', () => {
    const table = settingsMarkdown();
    for (const s of Object.values(settings)) assert.match(table, new RegExp(`\\| \`${s.env}\` \\|`));
  });
});
