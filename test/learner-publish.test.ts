// The learner's publications against real Redis and Elasticsearch: a click's query goes out in a
// revision of its own before a re-estimate and full rewrite of a large state, which take long
// enough to hold a click back by seconds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { createRedis, type Redis } from '../common/clients/redis.ts';
import type { Config } from '../common/config.ts';
import { parseImpression } from '../events/impression.ts';
import { parseRecordedEvent } from '../events/shopper-event.ts';
import { learnerLimitsOf } from '../learner/learner.ts';
import { productCategories } from '../learner/product-categories.ts';
import { createPublisher } from '../learner/publish.ts';
import { LearnerState } from '../learner/state.ts';
import { learnedKey } from '../ranking/learn/learned.ts';
import { createSuggestionPublisher } from '../learner/suggestion-publisher.ts';
import { keySpace } from '../stores/keys.ts';
import { redisLearnedStore } from '../stores/learned-signals.ts';
import { redisLiveRails } from '../stores/live-rails.ts';
import { suggestionStoreFor } from '../stores/suggestions.ts';
import { config, silentLog, testEs, uniqueName } from './support/stack.ts';

describe('learner publications', () => {
  let es: EsClient;
  let redis: Redis;
  let c: Config;

  before(async () => {
    es = await testEs();
    c = { ...config, redisPrefix: `${uniqueName('publish')}:` };
    redis = createRedis(c);
    await redis.connect();
  });
  after(async () => {
    const keys = await redis.keys(`${c.redisPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await es.close();
  });

  /** A search for `query` and a click on its third result, folded into the state. */
  const searchAndClick = (state: LearnerState, n: number, query: string) => {
    const ts = new Date(Date.parse('2011-08-01T00:00:00Z') + n * 1000).toISOString();
    const ids = Array.from({ length: 10 }, (_, k) => `p-${(n * 7 + k) % 5000}`);
    const impression = parseImpression(
      Buffer.from(JSON.stringify({ query_id: `q-${n}`, ts, kind: 'search', query, ids, offset: 0, session: `s-${n}` })),
    );
    assert.ok(impression);
    state.impression(impression, 'impressions/0');
    const event = parseRecordedEvent(
      Buffer.from(
        JSON.stringify({
          type: 'click',
          event_id: `e-${n}`,
          session: `s-${n}`,
          query_id: `q-${n}`,
          product: ids[2],
          position: 3,
          time: ts,
          received_at: ts,
        }),
      ),
    );
    assert.ok(event.ok, event.ok ? '' : event.reason);
    state.event(event.event, 'events/0');
  };

  const publisherOn = (prefix: string, reestimateAfter: number) => {
    const keys = keySpace(prefix);
    return createPublisher({
      learned: redisLearnedStore(redis, keys.learned),
      rails: redisLiveRails(redis, keys.liveRails),
      suggestions: createSuggestionPublisher(suggestionStoreFor(redis, { ...c, redisPrefix: prefix }), silentLog),
      categories: productCategories(es, uniqueName('no-catalog')),
      log: silentLog,
      reestimateAfter,
      reestimateEveryMs: 0,
      // Every publication is due to rewrite everything.
      fullEveryMs: 0,
    });
  };

  it("writes a click's query before a re-estimate and full rewrite of a large state", async () => {
    const keys = keySpace(c.redisPrefix);
    const state = new LearnerState(learnerLimitsOf(c));
    // Every publication is due to re-estimate the position-bias model, too.
    const publisher = publisherOn(c.redisPrefix, 1);
    for (let n = 0; n < 40_000; n++) searchAndClick(state, n, `query ${n}`);
    await publisher.publish(state);
    const learned = redisLearnedStore(redis, keys.learned);
    assert.equal((await learned.load()).size, 40_000);

    const before = await learned.snapshot();
    searchAndClick(state, 40_000, 'a fresh query');
    await publisher.publish(state);
    // The revisions since, in order: the fresh query alone, then the rewrite (re-estimated).
    const since = (await redis.xrange(keys.learned.changes, before.cursor, '+')).filter(([id]) => id !== before.cursor);
    assert.equal(since.length, 2, 'the fresh query and the rewrite, each in a revision of its own');
    assert.deepEqual(since[0]?.[1], ['set', JSON.stringify([learnedKey('a fresh query')]), 'removed', '[]']);
    assert.equal((await learned.load()).size, 40_001);
  });

  it('names in a rewrite only the queries whose shares moved, so readers need not reload everything', async () => {
    const prefix = `${c.redisPrefix}aging:`;
    const store = redisLearnedStore(redis, keySpace(prefix).learned);
    const state = new LearnerState(learnerLimitsOf(c));
    const publisher = publisherOn(prefix, Number.POSITIVE_INFINITY);
    for (let n = 0; n < 10_000; n++) searchAndClick(state, n, `query ${n}`);
    await publisher.publish(state);
    const before = await store.snapshot();
    assert.equal(before.signals.size, 10_000);

    // A minute later, one more click: the rewrite ages every query's clicks by a minute.
    searchAndClick(state, 10_060, 'a later query');
    await publisher.publish(state);
    const changes = await store.changesSince(before.revision, before.cursor, 10_000);
    const after = (await store.snapshot()).signals;
    assert.ok(changes && changes !== 'reload', 'the rewrite is listed, not a reset');
    assert.ok(changes.set.has(learnedKey('a later query')));
    assert.ok(changes.set.size < 1000, `${changes.set.size} queries rewritten`);
    assert.equal((await store.snapshot()).signals.size, 10_001);

    // Replaced whole by someone else (`ranking learn`): the next rewrite writes every query again.
    await store.replace(new Map([[learnedKey('a later query'), { products: [['p-1', 1]], categories: [] }]]), {
      learned_at: '2011-08-01T00:00:00Z',
      as_of: '2011-08-01T00:00:00Z',
      clicks: 1,
      queries: 1,
    });
    await publisher.publish(state);
    const healed = await store.snapshot();
    assert.equal(healed.signals.size, 10_001);
    assert.deepEqual(healed.signals, after);
  });
});
