// npm run demo: the embedded stack, the demo catalog indexed, the indexer, the learner and the
// analytics consumer consuming, the service up.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createEsClient } from '../common/clients/elasticsearch.ts';
import { loadConfig } from '../common/config.ts';
import { spawnScript } from '../common/spawn-script.ts';
import { generateDemoCatalog } from '../catalog/demo.ts';
import { demoInteractions } from '../catalog/demo-interactions.ts';
import { readProducts } from '../catalog/read.ts';
import { createKafka } from '../common/clients/kafka.ts';
import { createRedis } from '../common/clients/redis.ts';
import { createLogger } from '../common/logger.ts';
import { interactionEventJson } from '../recommender/interactions/event-topic.ts';
import { recsKeys } from '../recommender/publish/keys.ts';
import { suggestionStoreFor } from '../stores/suggestions.ts';
import { summarize } from '../recommender/publish/product-summary.ts';
import { publish } from '../recommender/publish/publish.ts';
import { train } from '../recommender/train.ts';
import { defaultTrainingOptions } from '../recommender/training-options.ts';
import { defaultVersionBase } from '../indexer/catalog-events.ts';
import { rebuildFromCatalog } from '../indexer/rebuild.ts';
import { indexOptionsOf, liveIndex } from '../mappings/lifecycle.ts';
import { catalogText } from '../query/suggest/build/catalog-phrases.ts';
import { stackUp } from '../stack/stack.ts';

const config = loadConfig();
const say = (line: string) => console.error(`[demo] ${line}`);
await stackUp(config, (l) => say(l));

const catalog = path.join(config.stackDir, 'demo', 'catalog.ndjson');
if (!fs.existsSync(catalog)) {
  fs.mkdirSync(path.dirname(catalog), { recursive: true });
  fs.writeFileSync(
    catalog,
    `${[...generateDemoCatalog({ count: 3000, seed: 20261121 })].map((p) => JSON.stringify(p)).join('\n')}\n`,
  );
  say(`generated 3000 demo products in ${catalog}`);
}
const es = await createEsClient(config, { requestTimeoutMs: 30000 });
const live = await liveIndex(es, config.indexAlias);
if (!live || (await es.count({ index: config.indexAlias })).count === 0) {
  const r = await rebuildFromCatalog(es, indexOptionsOf(config), {
    catalogFile: catalog,
    versionBase: defaultVersionBase(),
    batchSize: config.indexerBatchSize,
  });
  say(`indexed ${r.loaded} products into ${r.index} in ${r.seconds.toFixed(1)}s`);
} else
  say(`${config.indexAlias} already holds ${(await es.count({ index: config.indexAlias })).count} products (${live})`);
const redis = createRedis(config);
await redis.connect();
// Autocomplete serves published suggestions: the demo publishes the catalog's phrases, once.
const suggestionStore = suggestionStoreFor(redis, config);
if (!(await suggestionStore.head())) {
  const entries = (await catalogText(es, config.indexAlias)).phrases;
  await suggestionStore.publishSnapshot(entries);
  say(
    `published ${entries.length} autocomplete suggestions from catalog phrases (npm run suggest -- rebuild --from-topic adds real searches)`,
  );
}
await es.close();

// Recommendations need a model: the demo trains one on generated purchases, once.
const keys = recsKeys(config.redisPrefix);
if ((await redis.get(keys.current)) === null) {
  const products = await readProducts(catalog);
  const interactions = demoInteractions(products, {
    customers: 300,
    basketsPerCustomer: 8,
    seed: 20261121,
    end: Date.now(),
  });
  const model = await train({ interactions, products }, { ...defaultTrainingOptions, minCount: 2 });
  // The purchases go to the interactions topic too: the learner's scheduled retrain learns from
  // them and from what the storefront sends.
  const kafka = createKafka(config, 'shopsearch-demo', createLogger('warn'));
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < interactions.length; i += 1000)
    await producer.send({
      topic: config.interactionsTopic,
      messages: interactions.slice(i, i + 1000).map((x) => ({ key: x.session, value: interactionEventJson(x) })),
    });
  await producer.disconnect();
  const manifest = await publish(redis, keys, model, products.map(summarize));
  say(
    `trained and published recommendations ${manifest.version} from ${interactions.length} generated purchases (customers demo-1 … demo-300)`,
  );
}
redis.disconnect();

// Merchandiser rules need an admin key: the demo makes one, kept beside its catalog, unless one is configured.
if (!process.env.SHOP_ADMIN_KEYS) {
  const keyFile = path.join(config.stackDir, 'demo', 'admin-key');
  if (!fs.existsSync(keyFile)) fs.writeFileSync(keyFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  process.env.SHOP_ADMIN_KEYS = `demo:${fs.readFileSync(keyFile, 'utf8').trim()}`;
  say(`admin key for /admin/* (x-admin-key header) is in ${keyFile}`);
}

// Personalization needs customer tokens (see docs/security.md): the demo makes a secret, kept beside
// its catalog, and serves the demo-only route that mints tokens for the storefront, which a shop's
// backend would do for its logged-in customers.
if (!process.env.SHOP_CUSTOMER_TOKEN_SECRET) {
  const secretFile = path.join(config.stackDir, 'demo', 'customer-token-secret');
  if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  process.env.SHOP_CUSTOMER_TOKEN_SECRET = fs.readFileSync(secretFile, 'utf8').trim();
}
process.env.SHOP_DEMO_CUSTOMER_TOKENS ??= 'true';

// The indexer runs beside the service, as in production, so published events show up in searches.
const indexer = spawnScript('indexer/cli.ts', ['run'], { stdio: ['ignore', 'inherit', 'inherit'] });
// The analytics consumer too, so the console's Analytics tab shows what is searched in the storefront,
// and the learner, so what shoppers do in the storefront improves search, suggestions and rails.
const analytics = spawnScript('analytics/cli.ts', ['run'], { stdio: ['ignore', 'inherit', 'inherit'] });
const learner = spawnScript('learner/cli.ts', ['run'], { stdio: ['ignore', 'inherit', 'inherit'] });
const stopIndexer = () => {
  indexer.kill('SIGTERM');
  analytics.kill('SIGTERM');
  learner.kill('SIGTERM');
};
process.once('exit', stopIndexer);
say(`service on http://${config.httpHost}:${config.httpPort}  (docs: /docs, health: /health/ready)`);
await import('../query/http/main.ts');
