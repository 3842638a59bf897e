// Embedded Elasticsearch 7.10.2: `stackEsNodes` nodes, one JVM each, on consecutive ports.
import path from 'node:path';
import { projectRoot, type Config } from '../common/config.ts';
import { ensureJars } from './jars.ts';
import { processFiles, stackPaths, type StackService } from './service.ts';

export const ES_VERSION = '7.10.2';

export function elasticsearchService(c: Config): StackService {
  const libDir = path.join(c.stackDir, 'lib', 'elasticsearch');
  const nodes = Array.from({ length: c.stackEsNodes }, (_, i) => i + 1);
  const launcher = path.join(projectRoot, 'stack', 'java', 'EmbeddedElasticsearch.java');
  const nodeDir = (n: number) => path.join(stackPaths(c).data, 'elasticsearch', `node-${n}`);
  return {
    name: 'elasticsearch',
    external: c.esUrl !== undefined,
    tools: ['java', 'javac', 'mvn'],
    ports: nodes.flatMap((n) => [
      { port: c.stackEsPort + n - 1, setting: 'SHOP_STACK_ES_PORT' },
      { port: c.stackEsTransportPort + n - 1, setting: 'SHOP_STACK_ES_TRANSPORT_PORT' },
    ]),
    processes: nodes.map((n) => ({
      name: `elasticsearch-${n}`,
      command: 'java',
      args: [
        `-Xms${c.stackEsHeapMb}m`,
        `-Xmx${c.stackEsHeapMb}m`,
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        '-Dlog4j2.formatMsgNoLookups=true',
        '-cp',
        `${libDir}/*`,
        launcher,
        nodeDir(n),
        String(n),
        String(nodes.length),
        String(c.stackEsPort),
        String(c.stackEsTransportPort),
        'shopsearch-embedded',
        // A laptop's nearly full disk must not turn the dev index read-only.
        'cluster.routing.allocation.disk.threshold_enabled=false',
      ],
      cwd: c.stackDir,
      marker: nodeDir(n),
      ...processFiles(c, `elasticsearch-${n}`),
    })),
    prepare(say) {
      ensureJars('elasticsearch', c.stackDir, say);
    },
    async checkHealth() {
      const url = `http://127.0.0.1:${c.stackEsPort}/_cluster/health?wait_for_status=yellow&wait_for_nodes=${nodes.length}&timeout=1s`;
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      const body = (await res.json()) as { status?: string; timed_out?: boolean; number_of_nodes?: number };
      if (!res.ok || body.timed_out)
        throw new Error(
          `cluster health ${body.status ?? res.status}, ${body.number_of_nodes ?? 0}/${nodes.length} nodes`,
        );
      return `${body.status}, ${body.number_of_nodes} node(s), Elasticsearch ${ES_VERSION}`;
    },
  };
}
