import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { generateDemoCatalog } from '../../catalog/demo.ts';
import { readCatalog, type CatalogRecord } from '../../catalog/read.ts';

const collect = async (file: string) => {
  const out: CatalogRecord[] = [];
  for await (const r of readCatalog(file)) out.push(r);
  return out;
};
const tmp = (name: string, content: string | Buffer) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-')), name);
  fs.writeFileSync(file, content);
  return file;
};

describe('catalog', () => {
  it('generates the same demo catalog for the same seed, and another for another seed', () => {
    const a = [...generateDemoCatalog({ count: 300, seed: 7 })];
    const b = [...generateDemoCatalog({ count: 300, seed: 7 })];
    const c = [...generateDemoCatalog({ count: 300, seed: 8 })];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.equal(new Set(a.map((p) => p.id)).size, 300);
    const roots = new Set(a.map((p) => p.categories![0]));
    assert.ok(roots.size >= 4, 'spread over several departments');
    assert.ok(a.every((p) => p.categories!.length === 3 && p.price! > 0));
  });

  it('reads gzipped NDJSON and reports a broken line with its number', async () => {
    const file = tmp('c.ndjson.gz', gzipSync('{"id":"1","title":"A"}\n\n{"id":2,\n{"id":"3","title":"C"}\n'));
    const recs = await collect(file);
    assert.deepEqual(
      recs.map((r) => ('error' in r ? `${r.line}:error` : `${r.line}:ok`)),
      ['1:ok', '3:error', '4:ok'],
    );
  });

  it('reads CSV with category paths, lists and typed numbers', async () => {
    const file = tmp(
      'c.csv',
      'id,title,price,in_stock,categories,related\n1,"Lamp, red",9.5,true,Home > Lighting,2|3\n',
    );
    const recs = await collect(file);
    assert.deepEqual(recs, [
      {
        line: 2,
        value: {
          id: '1',
          title: 'Lamp, red',
          price: 9.5,
          in_stock: true,
          categories: ['Home', 'Lighting'],
          related: ['2', '3'],
        },
      },
    ]);
  });

  it('names a missing file and an unknown format', () => {
    assert.throws(() => readCatalog('/nonexistent/catalog.ndjson'), /not found: \/nonexistent/);
    assert.throws(() => readCatalog(tmp('c.xml', '<x/>')), /cannot tell the format/);
  });
});
