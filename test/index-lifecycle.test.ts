// Versioned indices behind an alias: created with the configured shards, switched atomically.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import {
  addWriteTarget,
  createIndexVersion,
  deleteIndexVersion,
  ensureLiveIndex,
  listIndexVersions,
  liveIndex,
  switchAlias,
  writeTargets,
} from '../mappings/lifecycle.ts';
import { productIndexSettings, productMappings, readSynonyms } from '../mappings/products.ts';
import { config, dropIndices, testEs, testIndexOptions } from './support/stack.ts';

describe('index lifecycle', () => {
  let es: EsClient;
  const opts = testIndexOptions();
  before(async () => {
    es = await testEs();
  });
  after(async () => {
    await dropIndices(es, opts.alias);
    await es.close();
  });

  it('creates version 1 behind the alias with the configured shards and refresh interval', async () => {
    const index = await ensureLiveIndex(es, opts);
    assert.equal(index, `${opts.alias}-1`);
    assert.equal(await liveIndex(es, opts.alias), index);
    const settings = await es.indices.getSettings({ index });
    assert.equal(settings[index]!.settings!.index!.number_of_shards, String(config.indexShards));
    assert.equal(settings[index]!.settings!.index!.refresh_interval, config.indexRefreshInterval);
    assert.equal(await ensureLiveIndex(es, opts), index, 'ensure is idempotent');
  });

  it('adds fields the mapping gained since an index was created, so the indexer can write them', async () => {
    const other = testIndexOptions();
    const index = `${other.alias}-1`;
    // An index from before title_head existed, strict like every product index.
    const settings = productIndexSettings({
      shards: 1,
      replicas: 0,
      refreshInterval: '1s',
      synonyms: readSynonyms(other.synonymsFile),
    });
    const { title_head: _added, ...older } = productMappings().properties!;
    await es.indices.create({ index, settings, mappings: { dynamic: 'strict', properties: older } });
    await switchAlias(es, other.alias, index);
    try {
      assert.equal(await ensureLiveIndex(es, other), index);
      const mapping = await es.indices.getMapping({ index });
      assert.ok(mapping[index]!.mappings.properties!.title_head, 'title_head added');
      await es.index({
        index: other.alias,
        id: 'a',
        document: { id: 'a', title: 'Battery for laptops', title_head: 'Battery' },
        refresh: true,
      });
    } finally {
      await dropIndices(es, other.alias);
    }
  });

  it('switches the alias to a new version in one step and refuses to delete the live one', async () => {
    const v2 = await createIndexVersion(es, opts);
    assert.equal(v2, `${opts.alias}-2`);
    assert.equal(await liveIndex(es, opts.alias), `${opts.alias}-1`, 'a new version is not live until switched');
    const previous = await switchAlias(es, opts.alias, v2);
    assert.equal(previous, `${opts.alias}-1`);
    const aliases = await es.indices.getAlias({ name: opts.alias });
    assert.deepEqual(Object.keys(aliases), [v2], 'exactly one index behind the alias');
    assert.deepEqual(await writeTargets(es, opts.alias), [v2], 'writes moved with the read alias');
    const versions = await listIndexVersions(es, opts.alias);
    assert.deepEqual(
      versions.map((v) => [v.name, v.live]),
      [
        [`${opts.alias}-1`, false],
        [v2, true],
      ],
    );
    await assert.rejects(deleteIndexVersion(es, opts.alias, v2), /is live/);
    await deleteIndexVersion(es, opts.alias, `${opts.alias}-1`);
    assert.deepEqual(
      (await listIndexVersions(es, opts.alias)).map((v) => v.name),
      [v2],
    );
  });

  it('refuses to delete a version that still receives writes', async () => {
    const v3 = await createIndexVersion(es, opts);
    await addWriteTarget(es, opts.alias, v3);
    assert.deepEqual(await writeTargets(es, opts.alias), [`${opts.alias}-2`, v3]);
    await assert.rejects(deleteIndexVersion(es, opts.alias, v3), /still receives writes/);
  });

  it('refuses to switch to an index that is not a version of the alias', async () => {
    await assert.rejects(switchAlias(es, opts.alias, 'something-else'), /not a version/);
    await assert.rejects(switchAlias(es, opts.alias, `${opts.alias}-99`), /does not exist/);
  });

  it('hides documents that are not live from searches through the alias', async () => {
    const index = (await liveIndex(es, opts.alias))!;
    await es.bulk({
      refresh: true,
      operations: [
        { index: { _index: index, _id: 'a' } },
        { id: 'a', title: 'visible lamp', live: true, version: 1, fv: {} },
        { index: { _index: index, _id: 'b' } },
        { id: 'b', title: 'deleted lamp', live: false, version: 2, fv: {} },
      ],
    });
    const res = await es.search({ index: opts.alias, query: { match: { title: 'lamp' } } });
    assert.deepEqual(
      res.hits.hits.map((h) => h._id),
      ['a'],
    );
  });
});
