// The search and indexing benchmarks on each embedded engine, Elasticsearch 7.10.2 and OpenSearch
// 2.19.1, in one run: each benchmark runs as its own process per engine (SHOP_STACK_ENGINE), the
// engines alternating, so both see the same machine load. Every figure is reported per engine,
// with OpenSearch over Elasticsearch beside it. The search benchmark replays the first 1,000 Best
// Buy queries (its own default is 3,000: twice 15 minutes per engine on a loaded 2-core machine);
// the indexing benchmark takes --docs and --repeat.
import { once } from 'node:events';
import { spawnScript } from '../common/spawn-script.ts';
import { round, say } from './support.ts';

const ENGINES = ['elasticsearch', 'opensearch'] as const;

async function runBench(engine: string, name: string, args: string[]): Promise<Record<string, unknown>> {
  say(`${name} on ${engine}`);
  const child = spawnScript('bench/cli.ts', [name, ...args], {
    env: { ...process.env, SHOP_STACK_ENGINE: engine },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`bench ${name} on ${engine} exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

/** OpenSearch's figure over Elasticsearch's for every numeric field both report and that differs (not the settings). */
function ratios(es: Record<string, unknown>, os: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(es))
    if (typeof v === 'number' && typeof os[k] === 'number' && v !== 0 && os[k] !== v)
      out[k] = round((os[k] as number) / v, 2);
  return out;
}

export async function enginesBench(a: { docs: number; repeat: number }) {
  const summary: Record<string, unknown> = { bench: 'engines' };
  for (const [name, args] of [
    ['search', ['--docs', '1000']],
    ['indexing', ['--docs', String(a.docs), '--repeat', String(a.repeat)]],
  ] as [string, string[]][]) {
    const results: Record<string, Record<string, unknown>> = {};
    for (const engine of ENGINES) results[engine] = await runBench(engine, name, args);
    summary[name] = {
      ...results,
      opensearch_over_elasticsearch: ratios(results.elasticsearch!, results.opensearch!),
    };
  }
  return summary;
}
