// ranking learn | learned   (npm run ranking -- <command>)
// The last line of standard output is a JSON summary; progress goes to standard error.
import { parseArgs } from 'node:util';
import { categoryPathString } from '../catalog/product.ts';
import { readProducts } from '../catalog/read.ts';
import { withConnections } from '../stack/with-connections.ts';
import { loadConfig } from '../common/config.ts';
import { parseDate } from '../common/dates.ts';
import { indexedProducts } from '../recommender/publish/product-summary.ts';
import { readClickLog } from './learn/click-log.ts';
import { learnFromClicks } from './learn/click-model.ts';
import { defaultLearnOptions, learnedKey } from './learn/learned.ts';
import { keySpace } from '../stores/keys.ts';
import { redisLearnedStore } from '../stores/learned-signals.ts';
import { runCli } from '../common/cli.ts';

const usage = `usage: ranking <command> [options]
  learn --clicks FILE [--before DATE] [--catalog FILE]
            learn per-query product and category shares from a click log (clicks before DATE,
            categories from the catalog file or the live index) and replace the service's learned
            signals with them (applied within SHOP_RULES_REFRESH_MS)
  learned [QUERY]   what was learned for a query, or when and from what everything was learned`;

const say = (s: string) => process.stderr.write(`[ranking] ${s}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const c = loadConfig();
  if (command === 'learn') {
    const { values } = parseArgs({
      args: rest,
      options: { clicks: { type: 'string' }, before: { type: 'string' }, catalog: { type: 'string' } },
    });
    if (!values.clicks) throw new Error('--clicks FILE is required');
    const clicks = await readClickLog(values.clicks);
    if (clicks.length === 0) throw new Error(`${values.clicks} holds no clicks`);
    const asOf = values.before ? parseDate(values.before, '--before') - 1 : Math.max(...clicks.map((x) => x.time));
    return withConnections(c, 'shopsearch-ranking', say, async ({ es, redis }) => {
      const categories = new Map<string, string>();
      for await (const p of values.catalog ? await readProducts(values.catalog) : indexedProducts(es, c.indexAlias))
        if (p.categories?.length) categories.set(p.id, categoryPathString(p.categories));
      const signals = learnFromClicks(clicks, (id) => categories.get(id), asOf, defaultLearnOptions);
      const meta = {
        learned_at: new Date().toISOString(),
        as_of: new Date(asOf).toISOString(),
        clicks: clicks.filter((x) => x.time <= asOf).length,
        queries: signals.size,
      };
      await redisLearnedStore(redis, keySpace(c.redisPrefix).learned).replace(signals, meta);
      say(`learned ${meta.queries} queries from ${meta.clicks} clicks up to ${meta.as_of}`);
      console.log(JSON.stringify(meta));
      return 0;
    });
  }
  if (command === 'learned') {
    const query = rest.join(' ').trim();
    return withConnections(c, 'shopsearch-ranking', say, async ({ redis }) => {
      const store = redisLearnedStore(redis, keySpace(c.redisPrefix).learned);
      console.log(
        JSON.stringify(query ? ((await store.load()).get(learnedKey(query)) ?? null) : ((await store.meta()) ?? null)),
      );
      return 0;
    });
  }
  console.error(usage);
  return 2;
}

runCli('ranking', main);
