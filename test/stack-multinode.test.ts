// A 2-node Elasticsearch on request: one JVM per node, so one node can be stopped alone and an
// index with a replica keeps answering. Runs in its own stack folder and ports.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEsClient, type EsClient } from '../common/clients/elasticsearch.ts';
import type { Config } from '../common/config.ts';
import { freePortBlock } from '../common/free-port.ts';
import { searchEngineService } from '../stack/search-engine.ts';
import { runningPid, stopByPidFile } from '../stack/processes.ts';
import { startService } from '../stack/stack.ts';
import { config } from './support/stack.ts';

describe(`embedded ${config.stackEngine} with two nodes`, () => {
  let c: Config;
  let es: EsClient;
  const service = () => searchEngineService(c);

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-2n-'));
    // Reuse the jars the shared stack already fetched.
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.symlinkSync(path.join(config.stackDir, 'lib', config.stackEngine), path.join(dir, 'lib', config.stackEngine));
    // Node n takes http + n - 1 and transport + n - 1, so both pairs come from one free block.
    const http = await freePortBlock(4);
    const transport = http + 2;
    c = {
      ...config,
      esUrl: undefined,
      stackDir: dir,
      stackEsNodes: 2,
      stackEsPort: http,
      stackEsTransportPort: transport,
      stackOpenSearchPort: http,
      stackOpenSearchTransportPort: transport,
      stackEsHeapMb: 384,
    };
    await startService(service(), c, () => {});
    es = await createEsClient({ ...config, esUrl: `http://127.0.0.1:${http}` }, { requestTimeoutMs: 30000 });
  });
  after(async () => {
    await es?.close();
    for (const p of service().processes) await stopByPidFile(p.pidFile);
  });

  it('forms one green cluster of two nodes, each its own process', async () => {
    const health = await es.cluster.health({ wait_for_nodes: '2', wait_for_status: 'green', timeout: '30s' });
    assert.equal(health.number_of_nodes, 2);
    const pids = service().processes.map((p) => runningPid(p.pidFile));
    assert.equal(new Set(pids).size, 2);
    assert.ok(pids.every((p) => p !== undefined));
  });

  it('keeps a replicated index searchable with one node stopped', async () => {
    await es.indices.create({ index: 'replicated', settings: { number_of_shards: 2, number_of_replicas: 1 } });
    await es.index({ index: 'replicated', id: '1', document: { title: 'still here' }, refresh: true });
    await es.cluster.health({ index: 'replicated', wait_for_status: 'green', timeout: '30s' });
    assert.ok(await stopByPidFile(service().processes[1]!.pidFile), 'node 2 was running');
    const health = await es.cluster.health({ wait_for_nodes: '1', timeout: '30s' });
    assert.equal(health.number_of_nodes, 1);
    assert.notEqual(health.status, 'red');
    const res = await es.search({ index: 'replicated', query: { match: { title: 'here' } } });
    assert.equal(res.hits.hits.length, 1);
  });
});
