// How the service keeps up with the learner against real Redis: after one snapshot it applies only
// the queries each revision changed (no more reads of the whole hash), ends with exactly what a
// fresh load would give, and takes a snapshot again when the changes no longer cover it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRedis, type Redis } from '../common/clients/redis.ts';
import { holdLearned } from '../query/search/held-learned.ts';
import { type LearnedQuery, learnedKey } from '../ranking/learn/learned.ts';
import { learnedLookup } from '../ranking/learn/learned-lookup.ts';
import { keySpace } from '../stores/keys.ts';
import { type LearnedMeta, type LearnedStore, redisLearnedStore } from '../stores/learned-signals.ts';
import { config, silentLog, uniqueName } from './support/stack.ts';

const meta: LearnedMeta = { learned_at: '2011-09-01T00:00:00Z', as_of: '2011-09-01T00:00:00Z', clicks: 1, queries: 1 };
const learned = (product: string): LearnedQuery => ({ products: [[product, 1]], categories: [['Games', 1]] });
/** Stored as the learner stores them: by normalized query. */
const signals = (entries: [string, LearnedQuery][]) => new Map(entries.map(([q, l]) => [learnedKey(q), l]));

describe('learned signals caught up by their changes', () => {
  let redis: Redis;
  let store: LearnedStore;
  let keys: ReturnType<typeof keySpace>['learned'];
  const prefix = `${uniqueName('changes')}:`;

  before(async () => {
    redis = createRedis(config);
    await redis.connect();
    keys = keySpace(prefix).learned;
    store = redisLearnedStore(redis, keys);
  });
  after(async () => {
    const all = await redis.keys(`${prefix}*`);
    if (all.length > 0) await redis.del(...all);
    redis.disconnect();
  });

  /** How many whole-hash reads Redis has served (all clients). */
  const hgetalls = async () => Number(/cmdstat_hgetall:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);

  const probes = ['gears of war', 'gears of war 3', 'fifa12', 'fifa 12', 'halo', 'halo reach', 'pad', 'nothing'];
  const answers = (lookup: (q: string) => LearnedQuery | undefined) => probes.map((q) => lookup(q) ?? null);

  it('applies each revision by its changed queries and ends where a fresh load would', async () => {
    await store.replace(
      signals([
        ['gears of war', learned('g1')],
        ['fifa 12', learned('f1')],
        ['halo', learned('h1')],
      ]),
      meta,
    );
    const held = holdLearned(store, { refreshMs: 0, log: silentLog });
    assert.deepEqual((await held.get()).value('gears of war')?.products, [['g1', 1]]);
    const reads = await hgetalls();

    // Revisions as the learner writes them: some queries set, some removed, some set again.
    for (let i = 0; i < 30; i++) {
      const set = signals([[`query ${i}`, learned(`p${i}`)]]);
      if (i % 3 === 0) set.set(learnedKey('gears of war'), learned(`g${i}`));
      if (i === 10) set.set(learnedKey('halo reach'), learned('h2'));
      const removed = (i === 5 ? ['halo'] : i === 20 ? ['query 3', 'fifa 12'] : []).map(learnedKey);
      await store.update(set, removed, meta);
      if (i % 4 === 0) await held.get();
    }
    const now = await held.get();
    assert.equal(now.revision, await store.revision());
    assert.equal(await hgetalls(), reads, 'no whole-hash read after the first');
    assert.deepEqual(answers(now.value), answers(learnedLookup(await store.load())));
    assert.equal(now.value('halo')?.products[0]?.[0], 'h2', 'a removed query borrows from its neighbour');
    assert.deepEqual(now.value('gears of war')?.products, [['g27', 1]]);
    assert.equal(now.value('query 3'), undefined);
  });

  it('takes a snapshot when the changes were trimmed, replaced whole or too many', async () => {
    const held = holdLearned(store, { refreshMs: 0, log: silentLog });
    await held.get();
    const before = await hgetalls();

    // A reader far behind: the stream no longer holds the revisions since its own.
    await store.update(signals([['trimmed away', learned('t1')]]), [], meta);
    await redis.xtrim(keys.changes, 'MAXLEN', 0);
    assert.equal(await store.changesSince((await store.revision()) - 1, '0-0', 100), 'reload');
    assert.deepEqual((await held.get()).value('trimmed away')?.products, [['t1', 1]]);
    assert.equal(await hgetalls(), before + 1);

    // `ranking learn` replaces everything: what is not in the new set is gone.
    await store.replace(signals([['only this', learned('o1')]]), meta);
    const replaced = await held.get();
    assert.equal(replaced.value('trimmed away'), undefined);
    assert.deepEqual(replaced.value('only this')?.products, [['o1', 1]]);
    assert.equal(await hgetalls(), before + 2);

    // More changed than is worth fetching one by one.
    const { revision, cursor } = await store.snapshot();
    await store.update(signals(Array.from({ length: 50 }, (_, i) => [`many ${i}`, learned(`m${i}`)])), [], meta);
    assert.equal(await store.changesSince(revision, cursor, 20), 'reload');
    const caught = await store.changesSince(revision, cursor, 100);
    assert.ok(caught && caught !== 'reload');
    assert.equal(caught.set.size, 50);
    assert.equal(await store.changesSince(caught.revision, caught.cursor, 100), undefined, 'nothing since');
  });
});
