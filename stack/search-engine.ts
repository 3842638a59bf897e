// The embedded search engine: Elasticsearch 7.10.2 or OpenSearch 2.19.1 (SHOP_STACK_ENGINE),
// `stackEsNodes` nodes, one JVM each, on consecutive ports. Each engine has its own jars, launcher,
// data folder and ports, so a stack can run both at once (CI tests one after the other).
import path from 'node:path';
import { type Config, esEmbedded, esPortOf, esTransportPortOf, projectRoot } from '../common/config.ts';
import { ensureJars } from './jars.ts';
import type { ProcessSpec } from './processes.ts';
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

export interface NodeOptions {
  /** Process name prefix and data folder. */
  name: string;
  engine: Engine;
  node: number;
  nodes: number;
  httpPort: number;
  transportPort: number;
  heapMb: number;
  classpath: string[];
  jvmOptions?: string[];
  settings?: string[];
}

/** The process of one engine node: its launcher in source-file mode, one JVM per node. */
export function engineNodeProcess(c: Config, o: NodeOptions): ProcessSpec {
  const nodeDir = path.join(stackPaths(c).data, o.name, `node-${o.node}`);
  return {
    name: `${o.name}-${o.node}`,
    command: 'java',
    args: [
      `-Xms${o.heapMb}m`,
      `-Xmx${o.heapMb}m`,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      '-Dlog4j2.formatMsgNoLookups=true',
      ...(o.jvmOptions ?? []),
      '-cp',
      o.classpath.join(':'),
      path.join(projectRoot, 'stack', 'java', engines[o.engine].launcher),
      nodeDir,
      String(o.node),
      String(o.nodes),
      String(o.httpPort),
      String(o.transportPort),
      `shopsearch-${o.name}`,
      // A laptop's nearly full disk must not turn the dev index read-only.
      'cluster.routing.allocation.disk.threshold_enabled=false',
      ...(o.settings ?? []),
    ],
    cwd: c.stackDir,
    marker: nodeDir,
    ...processFiles(c, `${o.name}-${o.node}`),
  };
}

/** The config folder the runner gives node `node` of a process's base path (for files a plugin reads). */
export const engineNodeConfigDir = (c: Config, name: string, node: number): string =>
  path.join(stackPaths(c).data, name, `node-${node}`, `node_1`, 'config');

export function searchEngineService(c: Config): StackService {
  const engine = engines[c.stackEngine];
  const name = c.stackEngine;
  const nodes = Array.from({ length: c.stackEsNodes }, (_, i) => i + 1);
  const httpPort = esPortOf(c);
  const transportPort = esTransportPortOf(c);
  const [httpSetting, transportSetting] = engine.portSettings;
  return {
    name,
    external: !esEmbedded(c),
    tools: ['java', 'javac', 'mvn'],
    ports: nodes.flatMap((n) => [
      { port: httpPort + n - 1, setting: httpSetting },
      { port: transportPort + n - 1, setting: transportSetting },
    ]),
    processes: nodes.map((node) =>
      engineNodeProcess(c, {
        name,
        engine: c.stackEngine,
        node,
        nodes: nodes.length,
        httpPort,
        transportPort,
        heapMb: c.stackEsHeapMb,
        classpath: [`${path.join(c.stackDir, 'lib', name)}/*`],
      }),
    ),
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
