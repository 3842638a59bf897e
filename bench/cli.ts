// npm run bench -- <name> [--docs N]: runs one benchmark; the last line of standard output is its JSON summary.
import { parseArgs } from 'node:util';
import { freshnessBench } from './freshness.ts';
import { indexingBench } from './indexing.ts';
import { loadBench } from './load.ts';
import { priorityBench } from './priority.ts';
import { recsBench } from './recs.ts';
import { FAULTS, possibleFaults, reliabilityBench, type Fault } from './reliability.ts';
import { searchBench } from './search.ts';
import { suggestBench } from './suggest.ts';
import { trainBench } from './train.ts';
import { printSummary } from './support.ts';
import { learningBench } from './learning.ts';
import { experimentsBench } from './experiments.ts';

const benches: Record<
  string,
  (args: {
    docs: number;
    seconds: number;
    rate: number;
    repeat: number;
    faults: Fault[];
  }) => Promise<Record<string, unknown>>
> = {
  indexing: indexingBench,
  freshness: freshnessBench,
  priority: priorityBench,
  search: searchBench,
  suggest: suggestBench,
  recs: recsBench,
  train: trainBench,
  reliability: reliabilityBench,
  load: loadBench,
  learning: learningBench,
  experiments: experimentsBench,
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    docs: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '20' },
    rate: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    faults: { type: 'string', default: possibleFaults().join(',') },
  },
});
const name = positionals[0];
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(
    `usage: npm run bench -- <${Object.keys(benches).join('|')}> [--docs N] [--seconds S] [--rate R] [--repeat N] [--faults ${FAULTS.join(',')}]`,
  );
  process.exit(2);
}
const faults = values.faults!.split(',').filter(Boolean) as Fault[];
const unknown = faults.find((f) => !FAULTS.includes(f));
if (unknown) {
  console.error(`unknown fault "${unknown}" (have: ${FAULTS.join(', ')})`);
  process.exit(2);
}
bench({
  docs: Number(values.docs),
  seconds: Number(values.seconds),
  rate: Number(values.rate ?? (name === 'suggest' ? 200 : name === 'load' ? 100 : 20)),
  repeat: Number(values.repeat),
  faults,
}).then(
  (summary) => {
    printSummary(summary);
    process.exit(0);
  },
  (err: Error) => {
    console.error(`bench ${name}: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
