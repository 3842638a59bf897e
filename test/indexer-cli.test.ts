// The import command publishes a catalog as events and reports rejected lines; status reports lag.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { indexerStatus } from '../indexer/status.ts';
import { committedCount, indexerSuite, startIndexer, waitFor } from './support/indexer.ts';
import { runCli } from './support/run-cli.ts';

describe('indexer CLI', () => {
  const s = indexerSuite();

  it('imports a catalog with a progress line and a summary naming each rejected line', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'import-')), 'catalog.ndjson');
    fs.writeFileSync(
      file,
      [
        '{"id":"a","title":"Lamp"}',
        '{"id":"b"}',
        'not json',
        '{"id":"c","title":"Desk","price":-3}',
        '{"id":"d","title":"Chair","categories":["Home","Furniture"]}',
      ].join('\n'),
    );
    const run = await runCli('indexer/cli.ts', ['import', '--catalog', file], { SHOP_EVENTS_TOPIC: s.f.topics.normal });
    assert.equal(run.code, 0, run.err);
    assert.match(run.err, /publishing: 5\/5 \(100%\) \d+\/s ETA 0s done/);
    const summary = run.summary() as {
      published: number;
      rejected: number;
      first_rejected: { line: number; reason: string }[];
    };
    assert.equal(summary.published, 2);
    assert.equal(summary.rejected, 3);
    assert.deepEqual(
      summary.first_rejected.map((r) => r.line),
      [2, 3, 4],
    );
    assert.match(summary.first_rejected[0]!.reason, /required property 'title'/);
    assert.match(summary.first_rejected[1]!.reason, /invalid JSON/);
    assert.match(summary.first_rejected[2]!.reason, /price/);

    const pending = await indexerStatus(s.f.kafka, s.f.es, s.f.index.alias, s.f.topics, s.f.groupId);
    assert.equal(pending.totalLag, 2, 'nothing consumed yet: both published events are lag');
    assert.equal(pending.liveDocs, 0);

    s.indexer = await startIndexer(s.f);
    await waitFor(
      'both events committed',
      async () => (await committedCount(s.f.kafka, s.f.groupId, s.f.topics.normal)) === 2,
    );
    await s.f.es.indices.refresh({ index: s.f.index.alias });
    const caughtUp = await indexerStatus(s.f.kafka, s.f.es, s.f.index.alias, s.f.topics, s.f.groupId);
    assert.equal(caughtUp.totalLag, 0);
    assert.equal(caughtUp.liveDocs, 2);
    assert.deepEqual(caughtUp.writeTargets, [`${s.f.index.alias}-1`]);
  });
});
