// The embedded search engine: Elasticsearch 7.10.2 or OpenSearch 2.19.1 (SHOP_STACK_ENGINE),
// `stackEsNodes` nodes, one JVM each, on consecutive ports. Each engine has its own jars, launcher,
// data folder and ports, so a stack can run both at once (CI tests one after the other).
import path from 'node:path';
import { type Config, esEmbedded, esPortOf, esTransportPortOf, projectRoot } from '../common/config.ts';
import { ensureJars } from './jars.ts';
import { processFiles, stackPaths, type StackService } from './service.ts';

export type Engine = Config['stackEngine'];

const engines = {
  elasticsearch: {
    label: 'Elasticsearch 7.10.2',
    launcher: 'EmbeddedElasticsearch.java',
    portSettings: ['SHOP_STACK_ES_PORT', 'SHOP_STACK_ES_TRANSPORT_PORT'],
  },
  opensearch: {
    label: 'OpenSearch 2.19.1',
    launcher: 'EmbeddedOpenSearch.java',
    portSettings: ['SHOP_STACK_OPENSEARCH_PORT', 'SHOP_STACK_OPENSEARCH_TRANSPORT_PORT'],
  },
} satisfies Record<Engine, { label: string; launcher: string; portSettings: [string, string] }>;

export const engineLabel = (engine: Engine): string => engines[engine].label;

export function searchEngineService(c: Config): StackService {
  const engine = engines[c.stackEngine];
  const name = c.stackEngine;
  const libDir = path.join(c.stackDir, 'lib', name);
  const nodes = Array.from({ length: c.stackEsNodes }, (_, i) => i + 1);
  const httpPort = esPortOf(c);
  const transportPort = esTransportPortOf(c);
  const nodeDir = (n: number) => path.join(stackPaths(c).data, name, `node-${n}`);
  const [httpSetting, transportSetting] = engine.portSettings;
  return {
    name,
    external: !esEmbedded(c),
    tools: ['java', 'javac', 'mvn'],
    ports: nodes.flatMap((n) => [
      { port: httpPort + n - 1, setting: httpSetting },
      { port: transportPort + n - 1, setting: transportSetting },
    ]),
    processes: nodes.map((n) => ({
      name: `${name}-${n}`,
      command: 'java',
      args: [
        `-Xms${c.stackEsHeapMb}m`,
        `-Xmx${c.stackEsHeapMb}m`,
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        '-Dlog4j2.formatMsgNoLookups=true',
        '-cp',
        `${libDir}/*`,
        path.join(projectRoot, 'stack', 'java', engine.launcher),
        nodeDir(n),
        String(n),
        String(nodes.length),
        String(httpPort),
        String(transportPort),
        'shopsearch-embedded',
        // A laptop's nearly full disk must not turn the dev index read-only.
        'cluster.routing.allocation.disk.threshold_enabled=false',
      ],
      cwd: c.stackDir,
      marker: nodeDir(n),
      ...processFiles(c, `${name}-${n}`),
    })),
    prepare(say) {
      ensureJars(name, c.stackDir, say);
    },
    async checkHealth() {
      const url = `http://127.0.0.1:${httpPort}/_cluster/health?wait_for_status=yellow&wait_for_nodes=${nodes.length}&timeout=1s`;
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      const body = (await res.json()) as { status?: string; timed_out?: boolean; number_of_nodes?: number };
      if (!res.ok || body.timed_out)
        throw new Error(
          `cluster health ${body.status ?? res.status}, ${body.number_of_nodes ?? 0}/${nodes.length} nodes`,
        );
      return `${body.status}, ${body.number_of_nodes} node(s), ${engine.label}`;
    },
  };
}
