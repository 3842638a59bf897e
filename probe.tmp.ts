import { buildTestApp } from './test/support/app.ts';
import { demoCatalogFile, indexCatalog } from './test/support/catalogs.ts';
import { dropIndices, testEs } from './test/support/stack.ts';
const es = await testEs();
const { file } = demoCatalogFile(3000, 1);
const alias = await indexCatalog(es, file);
const t = await buildTestApp(es, { indexAlias: alias, cacheEnabled: false });
const rnd = (n: number) =>
  Array.from({ length: n }, () => 'bcdfghjklmnpqrstvwxz'[Math.floor(Math.random() * 20)]).join('');
for (const [label, make] of [
  ['lamp', () => 'lamp'],
  ['lamp junk', () => 'lamp ' + rnd(8)],
  ['1x200', () => rnd(200)],
  ['5x15', () => Array.from({ length: 5 }, () => rnd(15)).join(' ')],
  ['2x15', () => Array.from({ length: 2 }, () => rnd(15)).join(' ')],
  ['1x15', () => rnd(15)],
  ['1x8', () => rnd(8)],
  ['9x20', () => Array.from({ length: 9 }, () => rnd(20)).join(' ')],
] as [string, () => string][]) {
  const times: number[] = [];
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    const r = await t.app.inject({ url: '/search?q=' + encodeURIComponent(make()) });
    times.push(Math.round(performance.now() - t0));
    if (r.statusCode !== 200) console.log(r.statusCode, r.body.slice(0, 200));
  }
  times.sort((a, b) => a - b);
  console.log(label, 'median', times[4], 'max', times[7]);
}
await t.close();
await dropIndices(es, alias);
await es.close();
