// A full rebuild while events keep flowing: searches answer throughout, the alias switches to a
// complete new version, and every event, including those during the rebuild, is in it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { generateDemoCatalog } from '../catalog/demo.ts';
import type { ProductEvent } from '../indexer/event.ts';
import { rebuildFromCatalog } from '../indexer/rebuild.ts';
import { replayInto } from '../indexer/replay.ts';
import { liveIndex, writeTargets } from '../mappings/lifecycle.ts';
import {
  committedCount,
  differences,
  expectedStates,
  indexerSuite,
  readIndex,
  sendEvents,
  startIndexer,
  waitFor,
} from './support/indexer.ts';

describe('indexer: zero-downtime rebuild', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rebuild-'));
  const catalogFile = path.join(dir, 'catalog.ndjson');
  const products = [...generateDemoCatalog({ count: 2000, seed: 5 })];
  before(() => fs.writeFileSync(catalogFile, products.map((p) => JSON.stringify(p)).join('\n')));
  const s = indexerSuite();

  it('keeps searches answering and ends with every event applied to the new version', async () => {
    const base1 = 1_000_000;
    const first = await rebuildFromCatalog(s.f.es, s.f.index, { catalogFile, versionBase: base1, batchSize: 500 });
    assert.equal(first.loaded, 2000);
    assert.equal(first.index, `${s.f.index.alias}-2`, 'a new version beside the empty one ensureLiveIndex made');
    s.indexer = await startIndexer(s.f);

    // Live traffic: price patches, newer than either catalog load, all through the rebuild.
    const sent: ProductEvent[] = [];
    let version = 10_000_000;
    let publishing = true;
    const publisher = (async () => {
      while (publishing) {
        const batch: ProductEvent[] = Array.from({ length: 25 }, (_, i) => ({
          op: 'patch',
          id: products[(version + i * 37) % products.length]!.id,
          version: version + i,
          fields: { price: (version + i) % 997 },
        }));
        version += 25;
        await sendEvents(s.f.producer, s.f.topics.normal, batch);
        sent.push(...batch);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // Shoppers: searches through the alias must never fail or come back empty.
    const searches = { ok: 0, failed: 0, empty: 0 };
    let searching = true;
    const shopper = (async () => {
      while (searching) {
        try {
          const r = await s.f.es.search({
            index: s.f.index.alias,
            size: 0,
            track_total_hits: true,
            query: { match: { title: 'headphones' } },
          });
          if ((r.hits.total as { value: number }).value === 0) searches.empty++;
          else searches.ok++;
        } catch {
          searches.failed++;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    await new Promise((r) => setTimeout(r, 500));
    const second = await rebuildFromCatalog(s.f.es, s.f.index, {
      catalogFile,
      versionBase: 2_000_000,
      batchSize: 300,
      replay: (index) =>
        replayInto(index, {
          kafka: s.f.kafka,
          es: s.f.es,
          topics: [s.f.topics.normal, s.f.topics.priority],
          since: 'earliest',
          maxEventBytes: 65536,
          backoff: { baseMs: 50, maxMs: 500 },
          groupPrefix: s.f.groupId,
        }),
    });
    await new Promise((r) => setTimeout(r, 500));
    publishing = false;
    await publisher;
    searching = false;
    await shopper;

    assert.equal(second.index, `${s.f.index.alias}-3`);
    assert.equal(second.previous, first.index);
    assert.ok(second.replayed > 0, 'events from before the rebuild were replayed');
    assert.equal(await liveIndex(s.f.es, s.f.index.alias), second.index);
    assert.deepEqual(
      await writeTargets(s.f.es, s.f.index.alias),
      [second.index],
      'the old version no longer receives writes',
    );
    assert.deepEqual(searches.failed + searches.empty, 0, JSON.stringify(searches));
    assert.ok(searches.ok > 20, `searches ran throughout (${searches.ok})`);

    await waitFor(
      'indexer caught up',
      async () => (await committedCount(s.f.kafka, s.f.groupId, s.f.topics.normal)) === sent.length,
      60000,
    );
    const catalogEvents: ProductEvent[] = products.map((p, i) => ({
      op: 'upsert',
      id: p.id,
      version: 2_000_000 + i + 1,
      product: p,
    }));
    const expected = expectedStates([...catalogEvents, ...sent]);
    assert.deepEqual(differences(expected, await readIndex(s.f.es, second.index)), []);
  });
});
