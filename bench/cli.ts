// npm run bench -- <name> [--docs N]: runs one benchmark; the last line of standard output is its JSON summary.
// `engines` runs the search and indexing benchmarks on Elasticsearch and on OpenSearch.
import { parseArgs } from 'node:util';
import { enginesBench } from './engines.ts';
import { abuseBench } from './abuse.ts';
import { freshnessBench } from './freshness.ts';
import { fuzzBench } from './fuzz.ts';
import { indexingBench } from './indexing.ts';
import { instantsearchBench } from './instantsearch.ts';
import { loadBench } from './load.ts';
import { priorityBench } from './priority.ts';
import { recsBench } from './recs.ts';
import { FAULTS, possibleFaults, reliabilityBench, type Fault } from './reliability.ts';
import { searchBench } from './search.ts';
import { suggestBench } from './suggest.ts';
import { suggestIndexBench } from './suggest-index.ts';
import { trainBench } from './train.ts';
import { printSummary } from './support.ts';
import { learningBench } from './learning.ts';
import { learnedLookupBench } from './learned-lookup.ts';
import { experimentsBench } from './experiments.ts';

const benches: Record<
  string,
  (args: {
    docs: number;
    seconds: number;
    rate: number;
    repeat: number;
    faults: Fault[];
    items?: number;
    interactions?: number;
  }) => Promise<Record<string, unknown>>
> = {
  indexing: indexingBench,
  freshness: freshnessBench,
  priority: priorityBench,
  search: searchBench,
  instantsearch: instantsearchBench,
  suggest: suggestBench,
  'suggest-index': suggestIndexBench,
  recs: recsBench,
  train: trainBench,
  reliability: reliabilityBench,
  load: loadBench,
  learning: learningBench,
  'learned-lookup': learnedLookupBench,
  engines: enginesBench,
  abuse: abuseBench,
  fuzz: fuzzBench,
  experiments: experimentsBench,
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    docs: { type: 'string', default: '100000' },
    seconds: { type: 'string' },
    rate: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    faults: { type: 'string', default: possibleFaults().join(',') },
    items: { type: 'string' },
    interactions: { type: 'string' },
  },
});
const name = positionals[0];
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(
    `usage: npm run bench -- <${Object.keys(benches).join('|')}> [--docs N] [--seconds S] [--rate R] [--repeat N] [--faults ${FAULTS.join(',')}] [--items N --interactions N (train)] [--items N (learned-lookup)]`,
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
  seconds: Number(values.seconds ?? (name === 'abuse' ? 30 : 20)),
  rate: Number(values.rate ?? (name === 'suggest' ? 200 : name === 'load' ? 100 : 20)),
  // abuse: --docs is the number of unique requests of its memory phase (0: none), --seconds each phase's length;
  // fuzz: --docs requests, 4 × --repeat at once.
  repeat: Number(values.repeat),
  faults,
  items: values.items === undefined ? undefined : Number(values.items),
  interactions: values.interactions === undefined ? undefined : Number(values.interactions),
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
