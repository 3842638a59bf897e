import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readQrels, readQueries, trecRunLines } from '../../eval/judgments.ts';

const tmp = (content: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'judg-')), 'f');
  fs.writeFileSync(file, content);
  return file;
};

describe('judgments files', () => {
  it('reads queries and qrels', () => {
    const q = readQueries(tmp('1\tred shoes\n2\tlamp\n'));
    assert.deepEqual(
      [...q],
      [
        ['1', 'red shoes'],
        ['2', 'lamp'],
      ],
    );
    const r = readQrels(tmp('1 0 a 3\n1 0 b 0\n2 0 c 1\n'), q);
    assert.deepEqual(
      [...r.get('1')!],
      [
        ['a', 3],
        ['b', 0],
      ],
    );
  });

  it('names the file and line of each problem', () => {
    const q = readQueries(tmp('1\tred shoes\n'));
    assert.throws(() => readQueries(tmp('1\tok\nno tab here\n')), /:2: expected "query_id<TAB>query text"/);
    assert.throws(() => readQueries(tmp('1\ta\n1\tb\n')), /:2: query id "1" appears twice/);
    assert.throws(
      () => readQrels(tmp('1 0 a 3\n1 0 b\n'), q),
      /:2: expected "query_id 0 doc_id grade" \(4 fields\), got 3/,
    );
    assert.throws(() => readQrels(tmp('1 0 a high\n'), q), /:1: grade "high" is not an integer/);
    assert.throws(() => readQrels(tmp('1 0 a 1\n9 0 b 2\n'), q), /:2: query id "9" is not in the queries file/);
    assert.throws(() => readQrels('/nonexistent/x.qrels'), /file not found: \/nonexistent\/x.qrels/);
  });

  it('writes TREC run lines with scores falling by rank', () => {
    assert.deepEqual(trecRunLines('7', ['a', 'b'], 'run1'), ['7 Q0 a 1 2 run1', '7 Q0 b 2 1 run1']);
  });
});
