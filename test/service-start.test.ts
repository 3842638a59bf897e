// The service as a process: once it says ready, its first requests are answered. Start-up work
// blocks the event loop, and load shedding must not mistake that for overload.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startService } from '../bench/service.ts';
import { dataFile, indexCatalog } from './support/catalogs.ts';
import { dropIndices, testEs } from './support/stack.ts';

describe('a freshly started service process', () => {
  it('answers its first burst of requests without shedding any', async () => {
    const es = await testEs();
    const alias = await indexCatalog(es, dataFile('catalogs/bestbuy-xbox.ndjson'));
    const service = await startService({
      SHOP_INDEX_ALIAS: alias,
      SHOP_IMPRESSIONS_TOPIC: '',
      SHOP_CACHE_ENABLED: 'false',
      SHOP_MAX_EVENT_LOOP_DELAY_MS: '300',
      // One client's burst on purpose: fair shares would queue and refuse it (test/hostile-clients.test.ts).
      SHOP_CLIENT_CONCURRENCY: '0',
      SHOP_CLIENT_BUDGET_MS: '0',
    });
    try {
      const prefixes = ['h', 'ha', 'hal', 'halo', 'g', 'ge', 'gea', 'gear'];
      const statuses = await Promise.all(
        Array.from({ length: 64 }, (_, i) =>
          fetch(`${service.url}/suggest?q=${prefixes[i % prefixes.length]}`).then((r) => r.status),
        ),
      );
      assert.deepEqual(
        statuses.filter((s) => s !== 200),
        [],
      );
    } finally {
      await service.stop();
      await dropIndices(es, alias);
      await es.close();
    }
  });
});
