// The one place that builds an Elasticsearch client, from the configuration: address (URL or
// Elastic Cloud id), credentials (API key or user and password) and TLS (CA file or fingerprint).
// The stock v8 client sends `compatible-with=8` media types and insists on the `x-elastic-product`
// header; ES 7.x and OpenSearch reject or lack those, so for them we use a transport with plain JSON
// headers. The server is detected with a client built from the same options, so detection sends
// the same credentials over the same TLS as every later request.
import fs from 'node:fs';
import { Client, type ClientOptions, errors, Transport } from '@elastic/elasticsearch';
import { type Config, esUrlOf, scrub } from '../config.ts';
import { ConnectionError } from '../errors.ts';

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

const needsCompatTransport = (info: ServerInfo): boolean => info.distribution === 'opensearch' || info.major < 8;

function clientOptions(c: Config, requestTimeoutMs: number): ClientOptions {
  // The `id:api_key` form is encoded here; base64 never holds a colon, so the two cannot be confused.
  const auth = c.esApiKey
    ? { apiKey: c.esApiKey.includes(':') ? Buffer.from(c.esApiKey).toString('base64') : c.esApiKey }
    : c.esUsername !== undefined
      ? { username: c.esUsername, password: c.esPassword ?? '' }
      : undefined;
  const tls = {
    ...(c.esCaFile ? { ca: fs.readFileSync(c.esCaFile) } : {}),
    // A pinned CA fingerprint is the verification (checked by the client on every connection);
    // the chain itself is typically self-signed, as Elasticsearch 8 makes it at first start.
    ...(!c.esTlsVerify || c.esCaFingerprint ? { rejectUnauthorized: false } : {}),
  };
  return {
    ...(c.esCloudId ? { cloud: { id: c.esCloudId } } : { node: esUrlOf(c) }),
    ...(auth ? { auth } : {}),
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
    ...(c.esCaFingerprint ? { caFingerprint: c.esCaFingerprint } : {}),
    requestTimeout: requestTimeoutMs,
    maxRetries: 0, // callers own retries: the indexer backs off, the query tier fails fast
  };
}

/** Where the client points, for messages: the URL without credentials, or the cloud id. */
const whereOf = (c: Config): string => (c.esCloudId ? `Elastic Cloud id ${c.esCloudId}` : scrub(esUrlOf(c), c));

/** Turns a failed first request into a clear, secret-free ConnectionError naming the settings to check. */
function connectionError(c: Config, err: unknown): ConnectionError {
  const where = `the search engine at ${whereOf(c)}`;
  if (err instanceof errors.ResponseError && (err.statusCode === 401 || err.statusCode === 403)) {
    const how = c.esApiKey ? 'SHOP_ES_API_KEY' : c.esUsername ? 'SHOP_ES_USERNAME and SHOP_ES_PASSWORD' : undefined;
    return new ConnectionError(
      'elasticsearch',
      err.statusCode === 401
        ? how
          ? `${where} refused the credentials (HTTP 401): check ${how}`
          : `${where} requires credentials (HTTP 401): set SHOP_ES_API_KEY, or SHOP_ES_USERNAME and SHOP_ES_PASSWORD`
        : `${where} accepted the credentials but refused GET / (HTTP 403): the user or API key needs the "monitor" cluster privilege`,
    );
  }
  const message = (err as Error).message ?? String(err);
  const tlsProblem = /certificate|self.signed|fingerprint|SSL|TLS/i.test(message);
  return new ConnectionError(
    'elasticsearch',
    scrub(
      tlsProblem
        ? `${where} is not trusted: ${message} (set SHOP_ES_CA_FILE or SHOP_ES_CA_FINGERPRINT)`
        : `${where} cannot be reached: ${message}`,
      c,
    ),
  );
}

export interface EsClientOptions {
  requestTimeoutMs?: number;
}

/**
 * Builds a client for the configured cluster: detects the server (GET /) with the same
 * credentials and TLS, then keeps the compatible transport for ES 7 and OpenSearch or uses the
 * stock one for ES 8/9. Throws ConnectionError when the cluster refuses or cannot be reached.
 */
export async function createEsClient(c: Config, opts: EsClientOptions = {}): Promise<Client> {
  const options = clientOptions(c, opts.requestTimeoutMs ?? c.esRequestTimeoutMs);
  const compat = new Client({ ...options, Transport: CompatTransport });
  let server: ServerInfo;
  try {
    server = serverInfo(await compat.info({}, { requestTimeout: Math.min(5000, options.requestTimeout ?? 5000) }));
  } catch (err) {
    await compat.close();
    throw connectionError(c, err);
  }
  if (needsCompatTransport(server)) return compat;
  await compat.close();
  return new Client(options);
}

function serverInfo(body: { version?: { number?: string; distribution?: string } }): ServerInfo {
  const version = body.version?.number ?? '0';
  return {
    distribution: body.version?.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch',
    version,
    major: Number.parseInt(version, 10),
  };
}
