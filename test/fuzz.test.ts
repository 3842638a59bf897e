// A short fuzz run over every route and the admin API, against real Elasticsearch and Redis, with
// the inputs of `bench fuzz` (bench/fuzz-inputs.ts), which runs 100,000 of them against the built
// service. Nothing may answer 5xx; every 4xx is a JSON error in the service's shape; no backend
// text leaks.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { errorShapeProblem, fuzzRequests } from '../bench/fuzz-inputs.ts';
import { mintCustomerToken } from '../common/customer-token.ts';
import { seededRandom } from '../common/random.ts';
import { recsKeys } from '../recommender/publish/keys.ts';
import { summarize } from '../recommender/publish/product-summary.ts';
import { publish } from '../recommender/publish/publish.ts';
import { train } from '../recommender/train.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { shopInteractions, shopProducts, smallTraining } from './support/baskets.ts';
import { indexCatalog } from './support/catalogs.ts';
import { dropIndices, testEs } from './support/stack.ts';

const KEY = 'fuzz-admin-key';
const SECRET = 'fuzz-token-secret';

describe('fuzzing every route', () => {
  let es: EsClient;
  let alias: string;
  let t: TestApp;
  const valid = { cursors: [] as string[], tokens: [mintCustomerToken('fuzz-customer', SECRET, 3600)] };
  const round = fuzzRequests(seededRandom(20261121), valid);

  before(async () => {
    es = await testEs();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-')), 'catalog.ndjson');
    fs.writeFileSync(file, shopProducts.map((p) => JSON.stringify(p)).join('\n'));
    alias = await indexCatalog(es, file);
    t = await buildTestApp(es, {
      indexAlias: alias,
      adminKeys: `fuzzer:${KEY}`,
      rulesRefreshMs: 0,
      customerTokenSecrets: [SECRET],
    });
    const first = await t.app.inject('/search?sort=price_asc&size=2');
    valid.cursors.push(first.json().next_cursor);
    const model = await train({ interactions: shopInteractions(), products: shopProducts }, smallTraining);
    await publish(t.redis, recsKeys(t.config.redisPrefix), model, shopProducts.map(summarize));
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('answers 100 rounds of every route without a 5xx, with a JSON error naming the problem for every 4xx', async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 100; i++) {
      for (const r of round()) {
        const res = await t.app.inject({
          ...r,
          headers: { 'x-admin-key': KEY, ...(r.payload !== undefined ? { 'content-type': 'application/json' } : {}) },
        });
        const where = `${r.method} ${r.url.slice(0, 200)} ${r.payload?.slice(0, 200) ?? ''}`;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        assert.ok(res.statusCode < 500, `${where} → ${res.statusCode} ${res.body.slice(0, 300)}`);
        if (res.statusCode >= 400) {
          const problem = errorShapeProblem(res.statusCode, res.body, r.url);
          assert.equal(problem, undefined, `${where}: ${problem}`);
        }
      }
    }
    assert.ok(
      (statuses.get(200) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0,
      `both answers and refusals: ${JSON.stringify([...statuses])}`,
    );
  });
});
