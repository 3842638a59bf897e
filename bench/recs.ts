// /recommendations/similar/{id} and /recommendations/for-user/{id} of the built service against a
// minimal fastify route doing one Redis GET of the same answer, in the same run, with the same ids
// and connections; then the service again with its answer cache off, so every request reads, joins
// and serializes.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readProducts } from '../catalog/read.ts';
import { createRedis } from '../common/clients/redis.ts';
import { freePort } from '../common/free-port.ts';
import { redisUrlOf } from '../common/config.ts';
import { mintCustomerToken } from '../common/customer-token.ts';
import { readInteractionsFile } from '../recommender/interactions/read-file.ts';
import { recsKeys } from '../recommender/publish/keys.ts';
import { summarize } from '../recommender/publish/product-summary.ts';
import { publish } from '../recommender/publish/publish.ts';
import { train } from '../recommender/train.ts';
import { defaultTrainingOptions } from '../recommender/training-options.ts';
import { load, startService } from './service.ts';
import { benchName, benchServers, config, dataDir, round, say, spawnBuilt } from './support.ts';

export async function recsBench(args: { docs: number }) {
  await benchServers();
  const redis = createRedis(config);
  await redis.connect();
  const prefix = `${benchName('recs')}:`;
  const { interactions } = await readInteractionsFile(path.join(dataDir, 'interactions', 'online-retail-train.csv.gz'));
  const products = await readProducts(path.join(dataDir, 'catalogs', 'online-retail.ndjson'));
  say('training a one-epoch model on Online Retail (serving speed does not depend on model quality)');
  const model = await train(
    { interactions, products },
    { ...defaultTrainingOptions, item2vec: { ...defaultTrainingOptions.item2vec, epochs: 1 } },
  );
  const manifest = await publish(redis, recsKeys(prefix), model, products.map(summarize));
  const ids = [...model.similar.keys()].slice(0, Math.min(args.docs, 2000));
  const customers = [...model.forUser.keys()].slice(0, Math.min(args.docs, 2000));
  // The raw side stores each answer ready to send: what the service would return for it.
  const rawPrefix = `${prefix}raw:`;
  // Customers are named by signed tokens, as a shop's pages send them (docs/security.md).
  const tokenSecret = randomBytes(24).toString('base64url');
  const tokens = new Map(customers.map((c) => [c, mintCustomerToken(c, tokenSecret, 3600)]));
  const env = { SHOP_REDIS_PREFIX: prefix, SHOP_RECS_IN_STOCK_ONLY: 'false', SHOP_CUSTOMER_TOKEN_SECRET: tokenSecret };
  const service = await startService(env);
  const storeRaw = async (keys: string[], pathOf: (id: string) => string, rawKey: (id: string) => string) => {
    for (let i = 0; i < keys.length; i += 200) {
      const batch = keys.slice(i, i + 200);
      const answers = await Promise.all(batch.map((id) => fetch(`${service.url}${pathOf(id)}`).then((r) => r.text())));
      await redis.mset(Object.fromEntries(batch.map((id, k) => [`${rawPrefix}${rawKey(id)}`, answers[k]!])));
    }
  };
  await storeRaw(
    ids,
    (id) => `/recommendations/similar/${id}`,
    (id) => id,
  );
  await storeRaw(
    customers,
    (c) => `/recommendations/for-user/${tokens.get(c)}`,
    (c) => `user:${c}`,
  );
  const rawPort = await freePort();
  const raw = spawnBuilt('bench/raw-redis-route.ts', [String(rawPort), redisUrlOf(config), rawPrefix], {});
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 30000;
    const poll = () =>
      fetch(`http://127.0.0.1:${rawPort}/similar/x`).then(
        () => resolve(),
        () => (Date.now() > deadline ? reject(new Error('raw route did not start')) : setTimeout(poll, 100)),
      );
    poll();
  });
  const connections = 8;
  const amount = 60000;
  say(`${ids.length} items, ${amount} requests per side, ${connections} connections; version ${manifest.version}`);
  const requests = (base: string, keys = ids) => keys.map((id) => ({ method: 'GET' as const, path: `${base}${id}` }));
  const userRequests = requests(
    '/recommendations/for-user/',
    customers.map((c) => tokens.get(c)!),
  );
  const rawUserRequests = requests('/similar/user:', customers);
  await load(service.url, requests('/recommendations/similar/'), { connections, amount: 2000 }); // warm-up
  await load(`http://127.0.0.1:${rawPort}`, requests('/similar/'), { connections, amount: 2000 });
  const ours = await load(service.url, requests('/recommendations/similar/'), { connections, amount });
  const base = await load(`http://127.0.0.1:${rawPort}`, requests('/similar/'), { connections, amount });
  await load(service.url, userRequests, { connections, amount: 2000 });
  const user = await load(service.url, userRequests, { connections, amount: amount / 2 });
  const userBase = await load(`http://127.0.0.1:${rawPort}`, rawUserRequests, { connections, amount: amount / 2 });
  const rss = service.peakRssMb();
  await service.stop();
  // The same service without its answer cache: every request joins and serializes its answer.
  const computing = await startService({ ...env, SHOP_RECS_ANSWER_CACHE_MB: '0' });
  await load(computing.url, requests('/recommendations/similar/'), { connections, amount: 2000 });
  const computed = await load(computing.url, requests('/recommendations/similar/'), { connections, amount });
  await load(computing.url, userRequests, { connections, amount: 2000 });
  const userComputed = await load(computing.url, userRequests, { connections, amount: amount / 2 });
  await computing.stop();
  raw.kill('SIGTERM');
  const keys = await redis.keys(`${prefix}*`);
  for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  redis.disconnect();
  return {
    bench: 'recs',
    items: ids.length,
    requests: amount,
    connections,
    rps: ours.rps,
    p50_ms: ours.p50_ms,
    p99_ms: ours.p99_ms,
    errors: [ours, computed, user, userComputed].reduce((n, r) => n + r.errors + r.non2xx, 0),
    baseline_rps: base.rps,
    baseline_p50_ms: base.p50_ms,
    baseline_p99_ms: base.p99_ms,
    ratio: round(ours.rps / base.rps, 2),
    computed_rps: computed.rps,
    computed_p99_ms: computed.p99_ms,
    computed_ratio: round(computed.rps / base.rps, 2),
    for_user_customers: customers.length,
    for_user_rps: user.rps,
    for_user_p99_ms: user.p99_ms,
    for_user_baseline_rps: userBase.rps,
    for_user_ratio: round(user.rps / userBase.rps, 2),
    for_user_computed_rps: userComputed.rps,
    for_user_computed_p99_ms: userComputed.p99_ms,
    for_user_computed_ratio: round(userComputed.rps / userBase.rps, 2),
    service_peak_rss_mb: round(rss, 0),
  };
}
