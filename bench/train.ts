// `recommender train` as production runs it (built JavaScript, its own process): wall time, stage
// times and peak memory.
// - Online Retail (default): the whole train file with the catalog, default options, and gensim
//   Word2Vec on the same baskets with the same dimensions, epochs, negatives and workers, in the
//   same run.
// - Synthetic (--items N --interactions M): a generated log with planted groups, then end to end —
//   read, train, neighbours, customer profiles, publish to Redis under a bench prefix — with the
//   published version's Redis memory (estimated before, measured after), the approximate
//   neighbours' recall against exact, and the recall of held-out planted co-purchases against
//   co-occurrence and popularity. On the embedded stack the bench raises Redis's maxmemory for its
//   own publish when the version would not fit, and puts it back afterwards; an external Redis is
//   left as it is, and publish refuses early saying how large maxmemory must be.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createGunzip } from 'node:zlib';
import { createRedis } from '../common/clients/redis.ts';
import { projectRoot } from '../common/config.ts';
import { ensurePython } from '../eval/python-baselines.ts';
import { loadModel } from '../recommender/artifact.ts';
import { basketsOf } from '../recommender/interactions/interaction.ts';
import { readInteractionsFile } from '../recommender/interactions/read-file.ts';
import { readProducts } from '../catalog/read.ts';
import { LIST_KINDS, type ListKind } from '../recommender/publish/keys.ts';
import { summarize } from '../recommender/publish/product-summary.ts';
import { estimateVersionBytes, redisMemory, versionContents } from '../recommender/publish/publish.ts';
import { plantedRecall, type HeldOutBasket } from '../recommender/synthetic/planted-recall.ts';
import type { ModelMetadata } from '../recommender/train.ts';
import { defaultTrainingOptions } from '../recommender/training-options.ts';
import { benchName, config, dataDir, peakRssMb, round, say, spawnBuilt } from './support.ts';
import { stackUp } from '../stack/stack.ts';

/** Runs a built CLI to the end: wall seconds and peak RSS. */
async function runBuilt(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ seconds: number; peakMb: number }> {
  const started = Date.now();
  const child = spawnBuilt(script, args, env);
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!))), 200);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`${script} ${args[0]} exited with ${code}`);
  return { seconds: (Date.now() - started) / 1000, peakMb: peak };
}

const metadataOf = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as ModelMetadata;

const stageSeconds = (m: ModelMetadata) => Object.fromEntries(m.stages.map((s) => [s.stage, s.seconds]));

/** gensim Word2Vec's training time on the same baskets and settings. */
async function gensimSeconds(baskets: string[][]): Promise<number> {
  const python = ensurePython(say);
  const o = defaultTrainingOptions;
  const child = spawn(python, [path.join(projectRoot, 'bench', 'word2vec_baseline.py')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stdin.end(
    JSON.stringify({
      baskets,
      dimensions: o.item2vec.dimensions,
      epochs: o.item2vec.epochs,
      negatives: o.item2vec.negatives,
      sample: o.item2vec.subsample,
      min_count: o.minCount,
      workers: o.item2vec.workers,
      seed: o.item2vec.seed,
    }),
  );
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`word2vec_baseline.py exited with ${code}`);
  return (JSON.parse(out) as { train_seconds: number }).train_seconds;
}

async function onlineRetail() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-train-'));
  const file = path.join(dataDir, 'interactions', 'online-retail-train.csv.gz');
  const catalog = path.join(dataDir, 'catalogs', 'online-retail.ndjson');
  say(`training on ${file}`);
  const run = await runBuilt('recommender/cli.ts', [
    'train',
    '--interactions',
    file,
    '--catalog',
    catalog,
    '--out',
    out,
  ]);
  const metadata = metadataOf(out);
  fs.rmSync(out, { recursive: true, force: true });
  say('gensim Word2Vec on the same baskets');
  const { interactions } = await readInteractionsFile(file);
  const gensim = await gensimSeconds(basketsOf(interactions).map((b) => b.items));
  return {
    bench: 'train',
    data: 'online-retail',
    seconds: round(run.seconds),
    item2vec_seconds: round(metadata.seconds.item2vec),
    gensim_word2vec_seconds: round(gensim),
    ratio_total_to_gensim: round(run.seconds / gensim, 2),
    peak_rss_mb: round(run.peakMb, 0),
    backend: metadata.backend,
    workers: metadata.workers,
    stages: stageSeconds(metadata),
    ...metadata.counts,
    load: os.loadavg().map((x) => round(x, 2)),
  };
}

async function* heldOutBaskets(file: string): AsyncGenerator<HeldOutBasket> {
  for await (const line of readline.createInterface({ input: fs.createReadStream(file).pipe(createGunzip()) }))
    if (line.trim()) yield JSON.parse(line) as HeldOutBasket;
}

/** MB Redis holds for each hash of the versions published under a prefix; then deletes them. */
async function publishedMb(prefix: string): Promise<{ total: number; byKind: Record<ListKind, number> }> {
  const redis = createRedis(config);
  await redis.connect();
  try {
    const keys = await redis.keys(`${prefix}recs:*`);
    const byKind = Object.fromEntries(LIST_KINDS.map((k) => [k, 0])) as Record<ListKind, number>;
    let total = 0;
    for (const key of keys) {
      const bytes = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
      total += bytes;
      const kind = LIST_KINDS.find((k) => key.endsWith(`:${k}`));
      if (kind) byKind[kind] += bytes;
    }
    if (keys.length > 0) await redis.unlink(...keys);
    for (const k of LIST_KINDS) byKind[k] = round(byKind[k] / 2 ** 20, 1);
    return { total: round(total / 2 ** 20, 0), byKind };
  } finally {
    redis.disconnect();
  }
}

/**
 * Room for the bench's own publish: when the embedded Redis's maxmemory cannot hold what it holds
 * plus the version (estimated as publish estimates it), maxmemory is raised for the run; the
 * returned function puts it back. An external Redis is never reconfigured.
 */
async function roomForPublish(needBytes: number): Promise<{ maxMb: number; restore: () => Promise<void> }> {
  const redis = createRedis(config);
  await redis.connect();
  try {
    const { usedBytes: used, maxBytes: max } = await redisMemory(redis);
    if (config.redisUrl !== undefined || max === 0 || used + needBytes <= max)
      return { maxMb: round(max / 2 ** 20, 0), restore: async () => {} };
    const raised = Math.ceil(((used + needBytes) * 1.25) / 2 ** 20);
    say(
      `the version needs about ${round(needBytes / 2 ** 20, 0)} MB; raising the embedded Redis's maxmemory from ` +
        `${round(max / 2 ** 20, 0)} MB to ${raised} MB for this run (SHOP_STACK_REDIS_MAXMEMORY_MB sizes it for good)`,
    );
    await redis.config('SET', 'maxmemory', `${raised}mb`);
    return {
      maxMb: raised,
      restore: async () => {
        const again = createRedis(config);
        await again.connect();
        try {
          await again.config('SET', 'maxmemory', String(max));
        } finally {
          again.disconnect();
        }
      },
    };
  } finally {
    redis.disconnect();
  }
}

async function synthetic(items: number, interactions: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synthetic-'));
  const model = path.join(dir, 'model');
  try {
    say(`generating ${items} items, ${interactions} interactions`);
    const generated = await runBuilt('recommender/cli.ts', [
      'generate',
      '--out',
      dir,
      '--items',
      String(items),
      '--interactions',
      String(interactions),
    ]);
    const files = {
      interactions: path.join(dir, 'interactions.ndjson.gz'),
      heldOut: path.join(dir, 'held-out.ndjson.gz'),
      catalog: path.join(dir, 'catalog.ndjson.gz'),
    };
    await stackUp(config, say);
    const loadBefore = os.loadavg();
    say('end to end: train');
    const trained = await runBuilt('recommender/cli.ts', [
      'train',
      '--interactions',
      files.interactions,
      '--out',
      model,
    ]);
    say('estimating the Redis memory of the version');
    const m = loadModel(model);
    const estimate = estimateVersionBytes(versionContents(m, (await readProducts(files.catalog)).map(summarize)));
    const room = await roomForPublish(estimate);
    say('end to end: publish');
    const prefix = `${benchName('train')}:`;
    let published: { seconds: number; peakMb: number };
    let redis: Awaited<ReturnType<typeof publishedMb>>;
    try {
      published = await runBuilt('recommender/cli.ts', ['publish', '--model', model, '--catalog', files.catalog], {
        SHOP_REDIS_PREFIX: prefix,
      });
      redis = await publishedMb(prefix);
    } finally {
      await room.restore();
    }
    const metadata = metadataOf(model);
    say('recall of held-out planted co-purchases');
    const popular = m.popular;
    const heldOut: HeldOutBasket[] = [];
    for await (const b of heldOutBaskets(files.heldOut)) heldOut.push(b);
    const planted = plantedRecall(
      heldOut,
      { shopsearch: (i) => m.similar.get(i), cooccurrence: (i) => m.together.get(i), popularity: () => popular },
      20,
    );
    return {
      bench: 'train',
      data: 'synthetic',
      items,
      interactions,
      generate_seconds: round(generated.seconds),
      end_to_end_seconds: round(trained.seconds + published.seconds),
      train_seconds: round(trained.seconds),
      publish_seconds: round(published.seconds),
      peak_rss_mb: round(Math.max(trained.peakMb, published.peakMb), 0),
      train_peak_rss_mb: round(trained.peakMb, 0),
      publish_peak_rss_mb: round(published.peakMb, 0),
      redis_mb: redis.total,
      redis_estimate_mb: round(estimate / 2 ** 20, 0),
      redis_mb_by_kind: redis.byKind,
      redis_maxmemory_mb: room.maxMb,
      stages: stageSeconds(metadata),
      neighbours: metadata.neighbours,
      planted_recall_at_20: planted,
      workers: metadata.workers,
      backend: metadata.backend,
      counts: metadata.counts,
      load_before: loadBefore.map((x) => round(x, 2)),
      load_after: os.loadavg().map((x) => round(x, 2)),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function trainBench(args: { items?: number; interactions?: number }) {
  if (args.items === undefined && args.interactions === undefined) return onlineRetail();
  return synthetic(args.items ?? 1_000_000, args.interactions ?? 20_000_000);
}
