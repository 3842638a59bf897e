// Nobody reads or writes another customer's data: with a token secret, `customer` (search,
// suggest) and the for-user rail take only tokens the shop's backend signed; raw ids are refused
// unless the deployment trusts its callers; the demo's route mints tokens only when turned on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { mintCustomerToken } from '../common/customer-token.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { demoCatalogFile, indexCatalog } from './support/catalogs.ts';
import { waitFor } from './support/indexer.ts';
import { dropIndices, testEs } from './support/stack.ts';

const SECRET = 'shop-backend-secret';

describe('customer identity', () => {
  let es: EsClient;
  let alias: string;
  let word: string;
  const apps: TestApp[] = [];
  const app = async (settings: Omit<Parameters<typeof buildTestApp>[1], 'indexAlias'>) => {
    const t = await buildTestApp(es, { indexAlias: alias, trustCustomerIds: false, ...settings });
    apps.push(t);
    return t;
  };

  before(async () => {
    es = await testEs();
    const demo = demoCatalogFile(300, 9);
    alias = await indexCatalog(es, demo.file);
    word = demo.products[0]!.title.split(' ')[0]!.toLowerCase();
  });
  after(async () => {
    for (const t of apps) await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it("writes and reads a customer's recent searches only through a token signed for them", async () => {
    const t = await app({ customerTokenSecrets: [SECRET] });
    const alice = mintCustomerToken('alice', SECRET, 600);
    const bob = mintCustomerToken('bob', SECRET, 600);
    const search = await t.app.inject(`/search?q=${word}&customer=${alice}`);
    assert.equal(search.statusCode, 200);
    assert.ok(search.json().total > 0);
    await waitFor(
      'the recent search recorded',
      async () => (await t.redis.exists(`${t.config.redisPrefix}recent-searches:alice`)) === 1,
      5000,
    );
    const prefix = word.slice(0, 3);
    const mine = await t.app.inject(`/suggest?q=${prefix}&customer=${alice}`);
    assert.ok(mine.json().suggestions.some((s: { source: string }) => s.source === 'recent'));
    const theirs = await t.app.inject(`/suggest?q=${prefix}&customer=${bob}`);
    assert.ok(!theirs.json().suggestions.some((s: { source: string }) => s.source === 'recent'));
  });

  it('refuses raw ids (400), forged, tampered and expired tokens (401) on every route that takes a customer', async () => {
    const t = await app({ customerTokenSecrets: ['rotated-new', SECRET] });
    const good = mintCustomerToken('alice', SECRET, 600);
    const [v, , exp, sig] = good.split('.');
    const cases: [string, number][] = [
      ['alice', 400],
      [mintCustomerToken('alice', 'someone-else', 600), 401],
      [`${v}.${Buffer.from('bob').toString('base64url')}.${exp}.${sig}`, 401],
      [mintCustomerToken('alice', SECRET, 60, Date.now() - 3600_000), 401],
      [good, 200],
      [mintCustomerToken('alice', 'rotated-new', 600), 200],
    ];
    for (const [customer, status] of cases) {
      for (const url of [
        `/search?q=${word}&customer=${customer}`,
        `/suggest?q=${word}&customer=${customer}`,
        `/categories/${encodeURIComponent('x')}/products?customer=${customer}`,
        `/recommendations/for-user/${customer}`,
      ]) {
        const res = await t.app.inject(url);
        const expected = url.startsWith('/categories') && status === 200 ? 404 : status;
        assert.equal(res.statusCode, expected, `${url.slice(0, 60)} → ${res.body.slice(0, 200)}`);
        if (status === 400) assert.match(res.json().field, /customer|userId/);
      }
    }
  });

  it('accepts raw ids only when the deployment trusts them, and says why otherwise', async () => {
    const strict = await app({});
    const refused = await strict.app.inject(`/search?q=${word}&customer=alice`);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().field, 'customer');
    assert.equal((await strict.app.inject(`/search?q=${word}`)).statusCode, 200, 'anonymous search works');
    const trusting = await app({ trustCustomerIds: true });
    assert.equal((await trusting.app.inject(`/search?q=${word}&customer=alice`)).statusCode, 200);
    assert.equal((await trusting.app.inject('/recommendations/for-user/alice')).statusCode, 200);
  });

  it('mints demo tokens only where the demo route is turned on', async () => {
    const off = await app({ customerTokenSecrets: [SECRET] });
    assert.equal((await off.app.inject('/demo/customer-token?customer=demo-7')).statusCode, 404);
    const demo = await app({ customerTokenSecrets: [SECRET], demoCustomerTokens: true });
    const minted = await demo.app.inject('/demo/customer-token?customer=demo-7');
    assert.equal(minted.statusCode, 200);
    const { token } = minted.json() as { token: string };
    assert.equal((await demo.app.inject(`/recommendations/for-user/${token}`)).statusCode, 200);
    assert.equal((await demo.app.inject('/demo/customer-token?customer=../x')).statusCode, 400);
  });
});
