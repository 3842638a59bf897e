// The published suggestions in the real Redis: a snapshot and its deltas read back exactly, the
// writer's guards (stale version, delta budget, invalid entries), old versions collected, and an
// instance holding them that never serves a mix of versions while publishes and deltas go on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from '../common/clients/redis.ts';
import { createMetricsRegistry } from '../common/metrics.ts';
import { liveSuggestions } from '../query/suggest/live-suggestions.ts';
import { keySpace } from '../stores/keys.ts';
import {
  DeltaLimitError,
  InvalidSuggestionError,
  redisSuggestionStore,
  StaleVersionError,
  type SuggestionEntry,
  type SuggestionStore,
} from '../stores/suggestions.ts';
import { silentLog, testRedis, uniqueName } from './support/stack.ts';

const entriesOf = (tag: string, count: number): SuggestionEntry[] =>
  Array.from({ length: count }, (_, i) => ({
    text: `Álpha ${tag} ${i}`,
    weight: i % 7,
    source: i % 3 ? ('query' as const) : ('catalog' as const),
  }));

async function readAll(store: SuggestionStore, version: string): Promise<SuggestionEntry[]> {
  const out: SuggestionEntry[] = [];
  for await (const chunk of store.snapshot(version)) out.push(...chunk);
  return out;
}

describe('suggestion store', () => {
  let redis: Redis;
  let prefix: string;
  const storeWith = (o: Partial<{ maxEntries: number; maxDeltaChanges: number; graceSeconds: number }> = {}) =>
    redisSuggestionStore(redis, keySpace(prefix).suggestions, {
      maxEntries: 10000,
      maxDeltaChanges: 100,
      graceSeconds: 3600,
      ...o,
    });

  before(async () => {
    redis = testRedis();
    await redis.connect();
  });
  after(async () => {
    const keys = await redis.keys('t-suggest-store-*');
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('reads a snapshot written in chunks and its deltas back exactly', async () => {
    prefix = `${uniqueName('suggest-store')}:`;
    const store = storeWith();
    assert.equal(await store.head(), undefined, 'nothing published');
    const entries = entriesOf('a', 5003);
    const published = await store.publishSnapshot(entries);
    assert.deepEqual(published, { version: published.version, deltas: 0, entries: 5003 });
    assert.deepEqual(await readAll(store, published.version), entries);
    const deltas = [
      { upserts: [{ text: 'beta', weight: 3, source: 'query' as const }] },
      { removals: ['ALPHA a 1'] },
      { upserts: [{ text: 'Gamma Ray', weight: 0.5, source: 'catalog' as const }], removals: ['beta'] },
    ];
    for (const [i, d] of deltas.entries()) assert.equal(await store.appendDelta(published.version, d), i + 1);
    assert.deepEqual(await store.deltas(published.version, 0), deltas);
    assert.deepEqual(await store.deltas(published.version, 2), deltas.slice(2));
    assert.deepEqual(await store.head(), { version: published.version, deltas: 3 });
    assert.deepEqual(await store.head(published.version), { version: published.version, deltas: 3 });
  });

  it('appends only to the current version, within its change budget, and only valid entries', async () => {
    prefix = `${uniqueName('suggest-store')}:`;
    const store = storeWith({ maxDeltaChanges: 3, maxEntries: 10 });
    const first = await store.publishSnapshot(entriesOf('a', 5));
    const second = await store.publishSnapshot(entriesOf('b', 5));
    await assert.rejects(store.appendDelta(first.version, { removals: ['x'] }), StaleVersionError);
    assert.equal(await store.appendDelta(second.version, { removals: ['x', 'y'] }), 1);
    await assert.rejects(store.appendDelta(second.version, { removals: ['z', 'w'] }), DeltaLimitError);
    assert.equal(await store.appendDelta(second.version, { removals: ['z'] }), 2, 'what fits still goes in');
    const invalid: [unknown, RegExp][] = [
      [{ upserts: [{ text: '!!!', weight: 1, source: 'query' }] }, /upserts\.0\.text/],
      [{ upserts: [{ text: 'ok', weight: -1, source: 'query' }] }, /upserts\.0\.weight/],
      [{ upserts: [{ text: 'ok', weight: Number.NaN, source: 'query' }] }, /upserts\.0\.weight/],
      [{ upserts: [{ text: 'ok', weight: 1, source: 'ad' }] }, /upserts\.0\.source/],
      [{ upserts: [{ text: 'x'.repeat(101), weight: 1, source: 'query' }] }, /upserts\.0\.text/],
      [{}, /upserts or removals/],
    ];
    for (const [delta, message] of invalid)
      await assert.rejects(store.appendDelta(second.version, delta as never), (e: Error) => {
        assert.ok(e instanceof InvalidSuggestionError && message.test(e.message), e.message);
        return true;
      });
    await assert.rejects(
      store.publishSnapshot([...entriesOf('c', 2), { text: 'ÁLPHA C 1', weight: 9, source: 'query' }]),
      /appears twice/,
    );
    await assert.rejects(store.publishSnapshot(entriesOf('d', 11)), /more than the 10/);
    assert.equal((await store.head())?.version, second.version, 'refused publishes change nothing');
  });

  it('deletes replaced versions once their grace period is over', async () => {
    prefix = `${uniqueName('suggest-store')}:`;
    const store = storeWith({ graceSeconds: 0 });
    const first = await store.publishSnapshot(entriesOf('a', 3));
    await store.appendDelta(first.version, { removals: ['x'] });
    await store.publishSnapshot(entriesOf('b', 3));
    await new Promise((r) => setTimeout(r, 5));
    const third = await store.publishSnapshot(entriesOf('c', 3));
    assert.deepEqual(await redis.keys(`${prefix}suggest:v:${first.version}:*`), []);
    await assert.rejects(readAll(store, first.version), /not stored/);
    assert.equal((await readAll(store, third.version)).length, 3);
  });
});

describe('suggestions held by an instance', () => {
  it('never serve a mix of versions while snapshots and deltas are published', async () => {
    const redis = testRedis();
    await redis.connect();
    const prefix = `${uniqueName('suggest-store')}:`;
    const store = redisSuggestionStore(redis, keySpace(prefix).suggestions, {
      maxEntries: 100000,
      maxDeltaChanges: 1000,
      graceSeconds: 0,
    });
    const live = liveSuggestions(store, {
      refreshMs: 3600000,
      maxEntries: 100000,
      log: silentLog,
      registry: createMetricsRegistry(),
    });
    let publishing = true;
    const writer = (async () => {
      for (let v = 0; v < 6; v++) {
        const { version } = await store.publishSnapshot(entriesOf(`v${v}`, 20000));
        for (let d = 0; d < 5; d++) {
          // Paced, so the reader also sees versions with only some of their deltas.
          await sleep(40);
          await store.appendDelta(version, {
            upserts: [{ text: `alpha v${v} extra ${d}`, weight: 100 + d, source: 'query' }],
            removals: [`alpha v${v} ${d}`],
          });
        }
      }
      publishing = false;
    })();
    let checks = 0;
    const versions = new Set<string>();
    const partial = new Set<number>();
    while (publishing) {
      await live.refresh();
      const view = live.current();
      if (!view || view.version === 'none') continue;
      versions.add(view.version);
      const found = view.match('alpha', 20);
      const tags = new Set(found.map((s) => s.key.split(' ')[1]));
      assert.equal(tags.size, 1, `one version per answer: ${found.map((s) => s.key)}`);
      // The deltas applied so far, and nothing else: their extra phrases first, the removed ones gone.
      const extras = found.filter((s) => s.key.includes('extra')).map((s) => s.key);
      assert.equal(extras.length, view.deltas, `${view.deltas} deltas applied: ${extras}`);
      assert.equal(view.size, 20000, 'each delta adds one phrase and removes one');
      partial.add(view.deltas);
      checks++;
    }
    await writer;
    await live.refresh();
    assert.deepEqual(
      live
        .current()!
        .match('alpha v5 extra', 10)
        .map((s) => s.text),
      ['alpha v5 extra 4', 'alpha v5 extra 3', 'alpha v5 extra 2', 'alpha v5 extra 1', 'alpha v5 extra 0'],
    );
    assert.ok(
      versions.size >= 2 && partial.size >= 3,
      `${checks} checks over ${versions.size} versions, with ${[...partial]} deltas applied`,
    );
    await live.stop();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
});
