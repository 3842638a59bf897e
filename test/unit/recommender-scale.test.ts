// What lets training grow with a shop: baskets folded from a stream, flat list tables and their
// files, item2vec on worker threads, the approximate neighbour search, and the synthetic logs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { seededRandom } from '../../common/random.ts';
import { loadModel, saveModel } from '../../recommender/artifact.ts';
import { basketItems, collectBaskets } from '../../recommender/interactions/basket-log.ts';
import { basketsOf, type Interaction } from '../../recommender/interactions/interaction.ts';
import { interactionsOfFile } from '../../recommender/interactions/read-file.ts';
import { ListTable, toListTable } from '../../recommender/models/list-table.ts';
import {
  mergeCandidates,
  neighbourRecall,
  refineNeighbours,
  vectorSearch,
  type NeighbourOptions,
} from '../../recommender/models/neighbours.ts';
import { stageTimer, timingTable } from '../../recommender/stage-timer.ts';
import { defaultSyntheticOptions, syntheticBaskets } from '../../recommender/synthetic/generate.ts';
import { plantedRecall } from '../../recommender/synthetic/planted-recall.ts';
import { train } from '../../recommender/train.ts';
import { assertNeighboursWithinKind, shopInteractions, shopProducts, smallTraining } from '../support/baskets.ts';

const x = (session: string, item: string, time: number, user?: string): Interaction => ({
  user,
  session,
  item,
  kind: 'purchase',
  time,
});

describe('baskets folded from a stream', () => {
  it('groups interleaved sessions like basketsOf does, whatever the order of rows', async () => {
    const random = seededRandom(5);
    const rows = Array.from({ length: 3000 }, (_, i) =>
      x(`s${Math.floor(random() * 300)}`, `i${Math.floor(random() * 80)}`, 1000 + i, i % 7 === 0 ? undefined : 'u1'),
    ).sort(() => random() - 0.5);
    const stream = async function* () {
      yield* rows;
    };
    const b = await collectBaskets(stream());
    const expected = new Map(basketsOf(rows).map((k) => [k.id, k]));
    assert.equal(b.count, expected.size);
    assert.equal(b.interactions, rows.length);
    const sessions = [...new Set(rows.map((r) => r.session))];
    sessions.forEach((session, n) => {
      const want = expected.get(session)!;
      assert.deepEqual(
        Array.from(basketItems(b, n), (i) => b.items[i]),
        want.items,
        session,
      );
      assert.equal(b.time[n], want.time);
    });
  });
  it('leaves out rows at or after the cutoff and takes the first customer a session names', async () => {
    const b = await collectBaskets([x('a', 'p', 5), x('a', 'q', 6, 'u2'), x('a', 'r', 7, 'u3'), x('b', 'p', 50)], 10);
    assert.equal(b.count, 1);
    assert.equal(b.users[b.user[0]!], 'u2');
    assert.equal(b.interactions, 3);
  });
  it('reads NDJSON events a chunk at a time, counting malformed lines and CRLF endings', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-'));
    const file = path.join(dir, 'events.ndjson.gz');
    const ok = (item: string) => JSON.stringify({ type: 'purchase', session: 's', item, time: '2024-01-01T00:00:00Z' });
    fs.writeFileSync(file, gzipSync([ok('a'), 'not json', ok('b'), ''].join('\r\n')));
    const report = { rows: 0, kept: 0 };
    const items: string[] = [];
    for await (const e of interactionsOfFile(file, report)) items.push(e.item);
    assert.deepEqual(items, ['a', 'b']);
    assert.deepEqual(report, { rows: 3, kept: 2, rejected: 1 });
    fs.rmSync(dir, { recursive: true });
  });
});

describe('list tables', () => {
  it('read like a map of ranked lists and convert from one', () => {
    const t = new ListTable(['a', 'b', 'c'], ['x', 'y', 'z'], 2);
    t.setRow(0, [2, 1, 0], [0.9, 0.5, 0.1]);
    t.setRow(2, [0], [0.25]);
    assert.deepEqual(t.get('a'), [
      ['z', 0.9],
      ['y', 0.5],
    ]);
    assert.equal(t.get('b'), undefined, 'an empty row has no list');
    assert.equal(t.size, 2);
    assert.deepEqual([...t.keys()], ['a', 'c']);
    const copy = toListTable(new Map(t));
    assert.deepEqual([...copy], [...t]);
  });
});

describe("item2vec and the customers' lists on two worker threads, saved and loaded", () => {
  it('still learns the two kinds of goods, lists every customer as one thread does, and the model files read back the same lists', async () => {
    const m = await train(
      { interactions: shopInteractions(), products: shopProducts },
      {
        ...smallTraining,
        item2vec: { ...smallTraining.item2vec, workers: 2 },
        nextBasket: { ...smallTraining.nextBasket, workers: 2 },
      },
    );
    assert.equal(m.metadata.workers, 2);
    assertNeighboursWithinKind(m);
    // The same embeddings listed on one thread: the customers' lists do not depend on the split.
    const oneThread = await train(
      { interactions: shopInteractions(), products: shopProducts },
      { ...smallTraining, item2vec: { ...smallTraining.item2vec, workers: 1 } },
    );
    const twoThreads = await train(
      { interactions: shopInteractions(), products: shopProducts },
      {
        ...smallTraining,
        item2vec: { ...smallTraining.item2vec, workers: 1 },
        nextBasket: { ...smallTraining.nextBasket, workers: 2 },
      },
    );
    assert.ok(twoThreads.forUser.size > 5, `${twoThreads.forUser.size} customers listed`);
    assert.deepEqual([...twoThreads.forUser], [...oneThread.forUser]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-'));
    saveModel(dir, m);
    const back = loadModel(dir);
    for (const kind of ['similar', 'together', 'forUser', 'recent'] as const)
      assert.deepEqual([...back[kind]], [...m[kind]]);
    assert.deepEqual(back.embeddings.vectors, m.embeddings.vectors);
    fs.rmSync(dir, { recursive: true });
  });
});

/** Unit vectors around `centres` random directions. */
function clustered(n: number, centres: number, d: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const c = Array.from({ length: centres * d }, gauss);
  const v = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(random() * centres) * d;
    let norm = 0;
    for (let t = 0; t < d; t++) norm += (v[i * d + t] = c[at + t]! + 0.6 * gauss()) ** 2;
    for (let t = 0; t < d; t++) v[i * d + t]! /= Math.sqrt(norm);
  }
  return v;
}

describe('approximate neighbours', () => {
  const d = 16;
  const vectors = clustered(6000, 60, d, 9);
  const self = Int32Array.from({ length: 6000 }, (_, i) => i);
  const o: NeighbourOptions = {
    exactUpTo: 0,
    cells: 0,
    probeShare: 0.08,
    kmeansIterations: 6,
    refineRounds: 0,
    refineFanout: 0,
    recallSample: 300,
  };
  it('finds nearly all of the exact top 20 through the inverted file, never the item itself', async () => {
    const s = await vectorSearch(vectors, d, o, 1);
    assert.equal(s.kind, 'ivf');
    const found = await s.search(vectors, 20, self);
    for (let i = 0; i < 6000; i += 97) assert.ok(!found.ids.subarray(i * 20, i * 20 + 20).includes(i));
    const recall = await neighbourRecall(found, vectors, d, 20, 300, 3);
    assert.ok(recall > 0.9, `recall ${recall}`);
  });
  it('is exact below the threshold, and a single probe misses neighbours that merged candidates bring back', async () => {
    const exact = await vectorSearch(vectors, d, { ...o, exactUpTo: 10_000 }, 1);
    assert.equal(exact.kind, 'exact');
    const truth = await exact.search(vectors, 20, self);
    assert.equal(await neighbourRecall(truth, vectors, d, 20, 300, 3), 1);
    for (let i = 0; i < 6000; i += 101)
      for (let c = 1; c < 20; c++) assert.ok(truth.scores[i * 20 + c - 1]! >= truth.scores[i * 20 + c]!, 'best first');
    const narrow = await (await vectorSearch(vectors, d, { ...o, cells: 200, probeShare: 0 }, 1)).search(
      vectors,
      20,
      self,
    );
    const before = await neighbourRecall(narrow, vectors, d, 20, 300, 3);
    assert.ok(before < 0.9, `one probe of 200 cells should miss some: ${before}`);
    // Lists cut to their first 5: the neighbours' own first 5 bring most of the rest back.
    const cut = { ...truth, ids: truth.ids.map((j, i) => (i % 20 < 5 ? j : -1)), scores: truth.scores.slice() };
    const partial = await neighbourRecall(cut, vectors, d, 20, 300, 3);
    refineNeighbours(cut, vectors, d, 1, 5, self);
    const refined = await neighbourRecall(cut, vectors, d, 20, 300, 3);
    assert.ok(refined > partial + 0.3, `neighbours' neighbours find more: ${partial} → ${refined}`);
    mergeCandidates(narrow, vectors, vectors, d, (i) => truth.ids.subarray(i * 20, i * 20 + 20), self);
    assert.equal(await neighbourRecall(narrow, vectors, d, 20, 300, 3), 1);
  });
  it('recovers what a single probe missed through NN-descent rounds over neighbours and reverse neighbours', async () => {
    const search = await vectorSearch(vectors, d, { ...o, cells: 200, probeShare: 0.01 }, 1);
    const found = await search.search(vectors, 20, self);
    const before = await neighbourRecall(found, vectors, d, 20, 300, 3);
    let ticked = 0;
    refineNeighbours(found, vectors, d, 2, 20, self, (n) => (ticked += n));
    const after = await neighbourRecall(found, vectors, d, 20, 300, 3);
    assert.equal(ticked, 2 * 6000, 'every item reported once a round');
    assert.ok(after > before + 0.1 && after > 0.95, `${before} → ${after}`);
    for (let i = 0; i < 6000; i += 97) assert.ok(!found.ids.subarray(i * 20, i * 20 + 20).includes(i));
  });
});

describe('synthetic logs', () => {
  const o = { ...defaultSyntheticOptions, items: 2000, interactions: 40_000, heldOut: 200 };
  const all = [...syntheticBaskets(o)];
  const groupOf = (id: string) => Math.floor(Number(id.slice(1)) / o.groupSize);
  it('are the same for a seed and differ for another', () => {
    assert.deepEqual([...syntheticBaskets(o)].slice(0, 50), all.slice(0, 50));
    assert.notDeepEqual([...syntheticBaskets({ ...o, seed: 2 })].slice(0, 50), all.slice(0, 50));
  });
  it('plant one group per basket, with power-law popularity, repeat buyers and held-out baskets at the end', () => {
    for (const b of all) assert.equal(new Set(b.planted.map(groupOf)).size <= 1, true);
    const count = new Map<string, number>();
    for (const b of all) for (const i of b.items) count.set(i, (count.get(i) ?? 0) + 1);
    const sorted = [...count.values()].sort((a, b) => b - a);
    const top = sorted.slice(0, 20).reduce((a, b) => a + b, 0);
    const lines = sorted.reduce((a, b) => a + b, 0);
    assert.ok(top / lines > 0.05, `the top 1% of items take ${top / lines} of the lines`);
    const bought = new Map<string, number>();
    for (const b of all)
      if (b.user)
        for (const i of new Set(b.items)) bought.set(`${b.user} ${i}`, (bought.get(`${b.user} ${i}`) ?? 0) + 1);
    assert.ok([...bought.values()].filter((n) => n >= 3).length > 100, 'customers buy the same items again');
    const held = all.filter((b) => b.heldOut);
    assert.ok(held.length > 150 && held.length < 300, `${held.length} held out`);
    assert.ok(all.indexOf(held[0]!) > all.length - held.length - 1, 'held-out baskets come last');
  });
  it('score a lister by the planted co-purchases it recalls', () => {
    const r = plantedRecall(
      [{ planted: ['a', 'b', 'c'] }, { planted: ['d'] }],
      {
        perfect: () => [
          ['b', 1],
          ['c', 0.5],
        ],
        half: () => [['b', 1]],
        none: () => undefined,
      },
      20,
    );
    assert.deepEqual(r, { baskets: 1, recall: { perfect: 1, half: 0.5, none: 0 } });
  });
});

describe('stage timings', () => {
  it('time each stage with its work count and tabulate them', async () => {
    const lines: string[] = [];
    const t = stageTimer((l) => lines.push(l));
    await t.run('count', 3, (tick) => {
      tick(3);
    });
    assert.equal(t.timings[0]!.stage, 'count');
    assert.equal(t.timings[0]!.count, 3);
    assert.match(lines.at(-1)!, /count: 3\/3 \(100%\).* done/);
    const rss = t.timings[0]!.peakRssMb;
    assert.ok(rss >= Math.floor(process.memoryUsage().rss / 2 ** 20 / 2), `peak RSS ${rss} MB`);
    assert.match(
      timingTable(t.timings),
      new RegExp(`^stage +seconds +share +cpu s +work units +peak RSS MB\ncount .* 3 +${rss}\ntotal .* ${rss}$`),
    );
  });
});
