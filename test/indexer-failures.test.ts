// The indexer loses nothing when Elasticsearch goes away for a while or when it is killed mid-batch.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { after, afterEach, before, describe, it } from 'node:test';
import { createEsClient } from '../common/clients/elasticsearch.ts';
import { esPortOf } from '../common/config.ts';
import { spawnScript } from '../common/spawn-script.ts';
import type { Indexer } from '../indexer/consumer.ts';
import { randomHistories, shuffled } from './support/histories.ts';
import {
  committedCount,
  differences,
  expectedStates,
  indexerFixture,
  readIndex,
  sendEvents,
  startIndexer,
  waitFor,
  type IndexerFixture,
} from './support/indexer.ts';
import { config } from './support/stack.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';

describe('indexer: Elasticsearch unavailable', () => {
  let f: IndexerFixture;
  let proxy: TcpProxy;
  let indexer: Indexer | undefined;
  before(async () => {
    f = await indexerFixture();
    proxy = await startTcpProxy('127.0.0.1', esPortOf(config));
  });
  after(async () => {
    await indexer?.stop();
    await proxy.close();
    await f.close();
  });

  it('waits without committing while Elasticsearch is unreachable, then catches up', async () => {
    const esThroughProxy = await createEsClient(
      { ...config, esUrl: `http://127.0.0.1:${proxy.port}` },
      { requestTimeoutMs: 2000 },
    );
    indexer = await startIndexer(f, { es: esThroughProxy });
    const first = randomHistories(21, 100, 4);
    await sendEvents(f.producer, f.topics.normal, first);
    await waitFor(
      'first events committed',
      async () => (await committedCount(f.kafka, f.groupId, f.topics.normal)) === first.length,
    );

    await proxy.cut();
    const second = randomHistories(22, 200, 4, 1000);
    await sendEvents(f.producer, f.topics.normal, second);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(
      await committedCount(f.kafka, f.groupId, f.topics.normal),
      first.length,
      'nothing committed while writes fail',
    );

    await proxy.restore();
    await waitFor(
      'catch-up after the outage',
      async () => (await committedCount(f.kafka, f.groupId, f.topics.normal)) === first.length + second.length,
      60000,
    );
    assert.deepEqual(
      differences(expectedStates([...first, ...second]), await readIndex(f.es, `${f.index.alias}-1`)),
      [],
    );
  });
});

describe('indexer: killed mid-batch', () => {
  let f: IndexerFixture;
  let child: ChildProcess | undefined;
  before(async () => {
    f = await indexerFixture();
  });
  afterEach(() => {
    child?.kill('SIGKILL');
  });
  after(() => f.close());

  const spawnIndexer = () =>
    spawnScript('indexer/cli.ts', ['run'], {
      env: {
        ...process.env,
        SHOP_EVENTS_TOPIC: f.topics.normal,
        SHOP_INDEX_ALIAS: f.index.alias,
        SHOP_INDEXER_GROUP: f.groupId,
        SHOP_INDEXER_BATCH_SIZE: '40',
        SHOP_INDEXER_METRICS_PORT: '0',
        SHOP_INDEXER_SESSION_TIMEOUT_MS: '6000', // the broker's minimum: a killed member's partitions move on soon
        SHOP_LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });

  it('replays from the last commit after SIGKILL, three times over, and ends exact', async () => {
    const events = shuffled(randomHistories(31, 1500, 6), 32);
    await sendEvents(f.producer, f.topics.normal, events);
    let kills = 0;
    for (let round = 0; round < 3; round++) {
      const before = await committedCount(f.kafka, f.groupId, f.topics.normal);
      if (before === events.length) break;
      child = spawnIndexer();
      // Kill as soon as this process has committed something, so it dies with batches in flight.
      await waitFor(
        'progress before the kill',
        async () => (await committedCount(f.kafka, f.groupId, f.topics.normal)) > before,
        60000,
        20,
      );
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      const [, signal] = await exited;
      assert.equal(signal, 'SIGKILL', 'the indexer process itself died, not a launcher');
      if ((await committedCount(f.kafka, f.groupId, f.topics.normal)) < events.length) kills++;
    }
    assert.ok(kills >= 1, 'the indexer was killed with work left at least once');
    child = spawnIndexer();
    await waitFor(
      'all events committed after the restarts',
      async () => (await committedCount(f.kafka, f.groupId, f.topics.normal)) === events.length,
      120000,
    );
    assert.deepEqual(differences(expectedStates(events), await readIndex(f.es, `${f.index.alias}-1`)), []);
  });
});
