// recommender train | publish | rollback | versions   (npm run recommender -- <command>)
// The last line of standard output is a JSON summary; progress goes to standard error.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readProducts } from '../catalog/read.ts';
import type { Connections } from '../common/connections.ts';
import { withConnections } from '../stack/with-connections.ts';
import { parseDate } from '../common/dates.ts';
import { createProgress } from '../common/progress.ts';
import { loadConfig, type Config } from '../common/config.ts';
import { latestModelDir, loadModel, pruneModelDirs, saveModel } from './artifact.ts';
import { interactionEvents } from './interactions/event-topic.ts';
import type { Interaction } from './interactions/interaction.ts';
import { interactionsOfFile, type FileReadReport } from './interactions/read-file.ts';
import { recsKeys } from './publish/keys.ts';
import { indexedProducts, summarize, type ProductSummary } from './publish/product-summary.ts';
import { collectGarbage, listVersions, publish, rollback } from './publish/publish.ts';
import { stageTimer, timingTable } from './stage-timer.ts';
import { defaultSyntheticOptions } from './synthetic/generate.ts';
import { writeSynthetic } from './synthetic/write.ts';
import { train } from './train.ts';
import { applySettings } from './training-settings.ts';
import { defaultTrainingOptions } from './training-options.ts';
import { runCli } from '../common/cli.ts';

const usage = `usage: recommender <command> [options]
  train (--interactions FILE | --topic NAME ...) [--catalog FILE] [--cutoff DATE] [--set option=value ...] [--out DIR]
                      train every list; FILE is the Online Retail CSV or NDJSON interaction or shopper
                      events; each topic holds interaction events or shopper events (POST /events)
  retrain [--set option=value ...]
                      train from the interactions and events topics, then publish (what the learner
                      schedules every SHOP_RECS_RETRAIN_EVERY)
  publish [--model DIR] [--catalog FILE]
                      write a model to Redis as a new version and switch to it (products from the
                      live index unless --catalog is given); deletes versions retired > grace
  generate --out DIR [--items N] [--interactions N] [--seed N] [--group-size N] [--customers N] [--held-out N]
                      a synthetic log with planted structure (DIR/interactions.ndjson.gz, held-out.ndjson.gz, catalog.ndjson.gz)
  rollback [--to VERSION]   make the previous (or the given) version current again
  versions                  list published versions`;

const say = (s: string) => process.stderr.write(`[recommender] ${s}\n`);

async function trainCommand(c: Config, args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      interactions: { type: 'string' },
      topic: { type: 'string', multiple: true },
      catalog: { type: 'string' },
      cutoff: { type: 'string' },
      set: { type: 'string', multiple: true },
      out: { type: 'string' },
    },
  });
  if (!values.interactions === (values.topic === undefined))
    throw new Error('give exactly one of --interactions FILE or --topic NAME (one or more)');
  const options = applySettings(defaultTrainingOptions, values.set ?? []);
  if (values.cutoff) options.cutoff = parseDate(values.cutoff, '--cutoff');
  const products = values.catalog ? await readProducts(values.catalog) : undefined;
  const run = (interactions: AsyncIterable<Interaction>) =>
    train(
      { interactions, products },
      options,
      (p) => {
        if ('epoch' in p)
          say(
            `item2vec epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)}, ${p.pairs} pairs, ${p.seconds.toFixed(0)}s, ETA ${p.etaSeconds.toFixed(0)}s`,
          );
      },
      (line) => process.stderr.write(`[recommender] ${line}`),
    );
  const report: FileReadReport = { rows: 0, kept: 0 };
  const counts = { rejected: 0 };
  const model = values.interactions
    ? await run(interactionsOfFile(values.interactions, report))
    : await withServers(c, (conn) => run(interactionEvents(conn.kafka, values.topic!, counts)));
  say(
    values.interactions
      ? `read ${values.interactions}: ${JSON.stringify(report)}`
      : `read ${model.metadata.counts.interactions} interaction events (${counts.rejected} malformed, skipped)`,
  );
  const dir = values.out ?? path.join(c.recsModelDir, model.metadata.trainedAt.replace(/[-:.]/g, ''));
  await stageTimer((line) => process.stderr.write(`[recommender] ${line}`)).run('save', undefined, () =>
    saveModel(dir, model),
  );
  say(`saved ${dir}`);
  say(`stage timings:\n${timingTable(model.metadata.stages)}`);
  return {
    model: dir,
    ...model.metadata.counts,
    window: model.metadata.window,
    loss: model.metadata.loss.at(-1),
    seconds: model.metadata.seconds.total,
    stages: Object.fromEntries(model.metadata.stages.map((t) => [t.stage, t.seconds])),
    backend: model.metadata.backend,
    workers: model.metadata.workers,
    neighbours: model.metadata.neighbours,
  };
}

async function generateCommand(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string' },
      items: { type: 'string' },
      interactions: { type: 'string' },
      seed: { type: 'string' },
      'group-size': { type: 'string' },
      customers: { type: 'string' },
      'held-out': { type: 'string' },
    },
  });
  if (!values.out) throw new Error('generate needs --out DIR');
  const number = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${raw}"`);
    return n;
  };
  const d = defaultSyntheticOptions;
  const o = {
    ...d,
    items: number('items', values.items, d.items),
    interactions: number('interactions', values.interactions, d.interactions),
    seed: number('seed', values.seed, d.seed),
    groupSize: number('group-size', values['group-size'], d.groupSize),
    customers: number('customers', values.customers, d.customers),
    heldOut: number('held-out', values['held-out'], d.heldOut),
  };
  if (o.items < o.groupSize || o.groupSize < 2)
    throw new Error('--items must be at least --group-size, which must be 2 or more');
  const progress = createProgress('[recommender] generate (lines)', o.interactions);
  const files = await writeSynthetic(values.out, o, (n) => progress.tick(n));
  progress.done();
  return { ...files, options: o };
}

const withServers = <T>(c: Config, work: (conn: Connections) => Promise<T>): Promise<T> =>
  withConnections(c, 'shopsearch-recommender', say, work);

async function publishCommand(c: Config, args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, catalog: { type: 'string' } } });
  const dir = values.model ?? latestModelDir(c.recsModelDir);
  const model = loadModel(dir);
  return withServers(c, async ({ es, redis }) => {
    const products: ProductSummary[] = [];
    if (values.catalog) for (const p of await readProducts(values.catalog)) products.push(summarize(p));
    else for await (const p of indexedProducts(es, c.indexAlias)) products.push(summarize(p));
    if (products.length === 0)
      throw new Error(`no products to join: the index "${c.indexAlias}" is empty; import a catalog or pass --catalog`);
    const keys = recsKeys(c.redisPrefix);
    const manifest = await publish(redis, keys, model, products);
    const removed = await collectGarbage(redis, keys, c.recsGraceSeconds * 1000);
    say(`published ${dir} as ${manifest.version}; removed ${removed.length} old version(s)`);
    return { version: manifest.version, model: dir, counts: manifest.counts, removed };
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const c = loadConfig();
  let summary: unknown;
  if (command === 'train') summary = await trainCommand(c, rest);
  else if (command === 'publish') summary = await publishCommand(c, rest);
  else if (command === 'retrain') {
    const trained = await trainCommand(c, ['--topic', c.interactionsTopic, '--topic', c.shopperEventsTopic, ...rest]);
    const published = await publishCommand(c, ['--model', String(trained.model)]);
    // The published model and two before it stay on disk, to publish again by hand if need be.
    summary = { trained, published, deleted: pruneModelDirs(c.recsModelDir, 3) };
  } else if (command === 'generate') summary = await generateCommand(rest);
  else if (command === 'rollback') {
    const { values } = parseArgs({ args: rest, options: { to: { type: 'string' } } });
    summary = await withServers(c, ({ redis }) => rollback(redis, recsKeys(c.redisPrefix), values.to));
  } else if (command === 'versions')
    summary = await withServers(c, ({ redis }) => listVersions(redis, recsKeys(c.redisPrefix)));
  else {
    console.error(usage);
    return 2;
  }
  console.log(JSON.stringify(summary));
  return 0;
}

runCli('recommender', main);
