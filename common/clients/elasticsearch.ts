// The one place that builds an Elasticsearch client. The stock v8 client sends
// `compatible-with=8` media types and insists on the `x-elastic-product` header; ES 7.x and
// OpenSearch reject or lack those, so for them we use a transport with plain JSON headers.
import { Client, Transport } from '@elastic/elasticsearch';

export type { Client as EsClient };

export interface ServerInfo {
  distribution: 'elasticsearch' | 'opensearch';
  version: string;
  major: number;
}

class CompatTransport extends Transport {
  constructor(opts: ConstructorParameters<typeof Transport>[0]) {
    // Without vendoredHeaders the transport falls back to application/json and application/x-ndjson.
    super({ ...opts, productCheck: undefined, vendoredHeaders: undefined });
  }
}

/** Asks the server what it is (GET /), before any client exists. */
export async function detectServer(url: string, timeoutMs = 5000): Promise<ServerInfo> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  const body = (await res.json()) as { version?: { number?: string; distribution?: string } };
  const version = body.version?.number ?? '0';
  return {
    distribution: body.version?.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch',
    version,
    major: Number.parseInt(version, 10),
  };
}

export function needsCompatTransport(info: ServerInfo): boolean {
  return info.distribution === 'opensearch' || info.major < 8;
}

export interface EsClientOptions {
  url: string;
  requestTimeoutMs: number;
  server?: ServerInfo;
}

/** Builds a client for the server at `url`, detecting it unless `server` is given. */
export async function createEsClient(opts: EsClientOptions): Promise<Client> {
  const server = opts.server ?? (await detectServer(opts.url));
  return new Client({
    node: opts.url,
    requestTimeout: opts.requestTimeoutMs,
    maxRetries: 0, // callers own retries: the indexer backs off, the query tier fails fast
    ...(needsCompatTransport(server) ? { Transport: CompatTransport } : {}),
  });
}
