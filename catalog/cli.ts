// catalog demo [--out FILE] [--count N] [--seed S]: writes the deterministic demo catalog as NDJSON.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemoCatalog } from './demo.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: '-' },
    count: { type: 'string', default: '3000' },
    seed: { type: 'string', default: '20261121' },
  },
});
if (positionals[0] !== 'demo') {
  console.error('usage: catalog demo [--out FILE|-] [--count N] [--seed S]');
  process.exit(2);
}
const count = Number(values.count);
const seed = Number(values.seed);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
  console.error('catalog: --count must be a positive integer and --seed an integer');
  process.exit(2);
}
const lines = `${[...generateDemoCatalog({ count, seed })].map((p) => JSON.stringify(p)).join('\n')}\n`;
if (values.out === '-') process.stdout.write(lines);
else {
  fs.mkdirSync(path.dirname(values.out!), { recursive: true });
  fs.writeFileSync(values.out!, lines);
  console.error(`catalog: wrote ${count} demo products to ${values.out}`);
}
