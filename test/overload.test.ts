// Load shedding against the real service: while its event loop lags (here, blocked on purpose),
// requests get a quick 503 with Retry-After in the service's JSON error shape, health checks keep
// answering, and once the lag is gone requests are served again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { demoCatalogFile, indexCatalog } from './support/catalogs.ts';
import { dropIndices, testEs } from './support/stack.ts';

describe('overload', () => {
  let es: EsClient;
  let alias: string;
  let t: TestApp;
  before(async () => {
    es = await testEs();
    alias = await indexCatalog(es, demoCatalogFile(200, 5).file);
    t = await buildTestApp(es, { indexAlias: alias, maxEventLoopDelayMs: 100 });
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('sheds requests with 503 and Retry-After while the event loop lags, keeps health checks up, and recovers', async () => {
    assert.equal((await t.app.inject('/search?q=lamp')).statusCode, 200);
    const until = Date.now() + 20_000;
    let shed: Awaited<ReturnType<typeof t.app.inject>> | undefined;
    while (!shed && Date.now() < until) {
      const busy = Date.now() + 600;
      while (Date.now() < busy); // the event loop is stuck for 600 ms
      await new Promise((r) => setTimeout(r, 50));
      // An invalid request: shed before validation runs, it gets 503, not 400 (found by bench fuzz:
      // a shed request used to go on to its route and be answered twice).
      const res = await t.app.inject('/search?q=lamp&size=0');
      if (res.statusCode !== 400) shed = res;
    }
    assert.ok(shed, 'a request was shed');
    assert.equal(shed.statusCode, 503);
    assert.equal((shed.json() as { statusCode: number }).statusCode, 503);
    assert.equal(shed.headers['retry-after'], '2');
    assert.equal((shed.json() as { error: string }).error, 'overloaded');
    assert.equal((await t.app.inject('/health/live')).statusCode, 200, 'health checks are never shed');
    let recovered = false;
    while (!recovered && Date.now() < until + 10_000) {
      await new Promise((r) => setTimeout(r, 200));
      recovered = (await t.app.inject('/search?q=lamp')).statusCode === 200;
    }
    assert.ok(recovered, 'served again once the lag is gone');
  });
});
