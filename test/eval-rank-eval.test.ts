// The toolkit's NDCG equals Elasticsearch's own _rank_eval (DCG, normalized, exponential gain) for
// the same requests and ratings, per query and on average, on CrowdFlower dev judgments.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { readQrels, readQueries } from '../eval/judgments.ts';
import { mean, ndcg } from '../eval/metrics.ts';
import { liveIndex } from '../mappings/lifecycle.ts';
import { dataFile, indexCatalog } from './support/catalogs.ts';
import { dropIndices, testEs } from './support/stack.ts';

describe('evaluation cross-check with Elasticsearch _rank_eval', () => {
  let es: EsClient;
  let alias: string;
  before(async () => {
    es = await testEs();
    alias = await indexCatalog(es, dataFile('catalogs/crowdflower.ndjson.gz'));
  });
  after(async () => {
    await dropIndices(es, alias);
    await es.close();
  });

  it('gives the same NDCG@10 per query and overall', async () => {
    const queries = readQueries(dataFile('judgments/crowdflower-dev.queries.tsv'));
    const qrels = readQrels(dataFile('judgments/crowdflower-dev.qrels'), queries);
    const ids = [...qrels.keys()].slice(0, 40);
    // _rank_eval matches ratings to hits by the concrete index, not the alias.
    const index = (await liveIndex(es, alias))!;
    const request = (q: string) => ({ query: { multi_match: { query: q, fields: ['title', 'description'] } } });
    const requests = ids.map((id) => ({
      id,
      request: request(queries.get(id)!),
      ratings: [...qrels.get(id)!].map(([doc, rating]) => ({ _index: index, _id: doc, rating })),
    }));
    const res = await es.rankEval({ index, requests, metric: { dcg: { k: 10, normalize: true } } });

    const ours: number[] = [];
    for (const id of ids) {
      const hits = await es.search({ index, size: 10, _source: false, ...request(queries.get(id)!) });
      const value = ndcg(
        hits.hits.hits.map((h) => h._id!),
        qrels.get(id)!,
        10,
      );
      ours.push(value);
      assert.ok(
        Math.abs(value - res.details[id]!.metric_score) < 1e-9,
        `${id}: ours ${value}, Elasticsearch ${res.details[id]!.metric_score}`,
      );
    }
    assert.ok(Math.abs(mean(ours) - res.metric_score) < 1e-9);
    assert.ok(mean(ours) > 0.3, 'a meaningful ranking, not all zeros');
  });
});
