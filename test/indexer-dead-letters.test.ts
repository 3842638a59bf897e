// Malformed events go to the dead-letter topic with their reason; everything valid is indexed and
// every offset is committed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../common/random.ts';
import {
  committedCount,
  indexerSuite,
  readDeadLetters,
  readIndex,
  sendRaw,
  startIndexer,
  waitFor,
} from './support/indexer.ts';

describe('indexer: dead letters', () => {
  const s = indexerSuite();

  it('indexes the valid events and dead-letters each bad one with its reason', async () => {
    const ok = (i: number) => ({
      key: `ok-${i}`,
      value: JSON.stringify({
        op: 'upsert',
        id: `ok-${i}`,
        version: 1,
        product: { id: `ok-${i}`, title: `Good ${i}` },
      }),
    });
    const bad = [
      { key: 'b1', value: '{"op":"upsert",', reason: /invalid JSON/ },
      {
        key: 'b2',
        value: JSON.stringify({ op: 'upsert', id: 'b2', version: 1 }),
        reason: /required property 'product'/,
      },
      {
        key: 'b3',
        value: JSON.stringify({ op: 'patch', id: 'b3', version: 1, fields: { price: -5 } }),
        reason: /price/,
      },
      { key: 'other', value: JSON.stringify({ op: 'delete', id: 'b4', version: 1 }), reason: /key "other" differs/ },
      {
        key: 'b5',
        value: JSON.stringify({
          op: 'upsert',
          id: 'b5',
          version: 1,
          product: { id: 'b5', title: 'x'.repeat(70 * 1024) },
        }),
        reason: /exceeds the limit/,
      },
      // Valid by the schema, refused by Elasticsearch: a keyword term longer than Lucene's 32766-byte limit.
      {
        key: 'b6',
        value: JSON.stringify({
          op: 'upsert',
          id: 'b6',
          version: 1,
          product: { id: 'b6', title: 'Huge', attributes: { blob: 'y'.repeat(40000) } },
        }),
        reason: /-1: illegal_argument_exception: Document contains at least one immense term/,
      },
    ];
    const messages = [ok(0), ...bad.slice(0, 3), ok(1), ok(2), ...bad.slice(3), ok(3)];
    await sendRaw(s.f.producer, s.f.topics.normal, messages);
    s.indexer = await startIndexer(s.f);
    await waitFor(
      'all offsets committed',
      async () => (await committedCount(s.f.kafka, s.f.groupId, s.f.topics.normal)) === messages.length,
      60000,
    );

    const docs = await readIndex(s.f.es, `${s.f.index.alias}-1`);
    assert.deepEqual([...docs.keys()].sort(), ['ok-0', 'ok-1', 'ok-2', 'ok-3']);

    const letters = await readDeadLetters(s.f, s.f.topics.deadLetter, bad.length);
    assert.equal(letters.length, bad.length);
    for (const b of bad) {
      const letter = letters.find((l) => l.key === b.key);
      assert.ok(letter, `dead letter for ${b.key}`);
      assert.match(letter.reason!, b.reason);
      assert.equal(letter.value, b.value, 'the original payload is kept');
      assert.match(letter.source, new RegExp(`^${s.f.topics.normal}/\\d+@\\d+$`));
    }
  });
});

describe('indexer: fuzzed events', () => {
  const s = indexerSuite();

  it('dead-letters every event of a seeded fuzz run and indexes the valid ones between them, never stalling', async () => {
    const random = seededRandom(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const junk = [
      '',
      '{',
      'null',
      '[]',
      '"x"',
      '1e400',
      '{"op":"upsert"}',
      '{"op":"patch","id":"z","version":1,"fields":{"price":1e400}}',
      '{"op":"delete","id":"../x","version":1}',
      '{"op":"delete","id":"z","version":-1}',
      '{"op":"upsert","id":"z","version":1,"product":{"id":"z","title":"t","__proto__":{"x":1}}}',
      '\u0000\uffff',
      `{"op":"upsert","id":"z","version":1,"product":{"id":"z","title":"${'é'.repeat(50)}","rating":"NaN"}}`,
      '{"op":"upsert","id":"z","version":1.5,"product":{"id":"z","title":"t"}}',
    ];
    const messages: { key: string; value: string; bad: boolean }[] = [];
    for (let i = 0; i < 200; i++) {
      if (random() < 0.25)
        messages.push({
          key: `good-${i}`,
          value: JSON.stringify({
            op: 'upsert',
            id: `good-${i}`,
            version: 1,
            product: { id: `good-${i}`, title: `Good ${i}` },
          }),
          bad: false,
        });
      else {
        const body = random() < 0.2 ? pick(junk) + pick(junk) : pick(junk);
        messages.push({ key: body.includes('"id":"z"') ? 'z' : `junk-${i}`, value: body, bad: true });
      }
    }
    await sendRaw(s.f.producer, s.f.topics.normal, messages);
    s.indexer = await startIndexer(s.f);
    await waitFor(
      'every offset committed',
      async () => (await committedCount(s.f.kafka, s.f.groupId, s.f.topics.normal)) === messages.length,
      60000,
    );
    const docs = await readIndex(s.f.es, `${s.f.index.alias}-1`);
    assert.deepEqual(
      [...docs.keys()].filter((id) => id.startsWith('good-')).sort(),
      messages
        .filter((m) => !m.bad)
        .map((m) => m.key)
        .sort(),
    );
    const letters = await readDeadLetters(s.f, s.f.topics.deadLetter, messages.filter((m) => m.bad).length);
    assert.equal(letters.length, messages.filter((m) => m.bad).length, 'one dead letter per malformed event');
    assert.ok(
      letters.every((l) => l.reason && l.reason.length > 0),
      'each with its reason',
    );
  });
});
