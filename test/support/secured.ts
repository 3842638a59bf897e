// The secured side of the stack for tests: configurations (and the matching environments for
// child processes) that reach Kafka's SASL_SSL listener, the TLS-only Redis with its ACL user, and
// the search engine over HTTPS with credentials. On OpenSearch that is a node with OpenSearch's own
// security plugin; Elasticsearch 7.10's security (x-pack) is not published to Maven Central, so an
// authenticating proxy plays the part of a secured Elasticsearch: TLS with the stack's CA, API keys
// and users checked as Elasticsearch does, 401 with a security_exception otherwise.
import { createHash, randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { type Config, esPortOf } from '../../common/config.ts';
import { securedStack } from '../../stack/secured.ts';
import { securedOpenSearchConfig } from '../../stack/secured-opensearch.ts';
import { config } from './stack.ts';

export type KafkaMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface SecuredEs {
  url: string;
  /** The `encoded` form Elasticsearch hands out: base64 of id:key. */
  apiKey: string;
  username: string;
  password: string;
  /** SHA-256 fingerprint of the CA, as Elasticsearch 8 prints it at first start. */
  caFingerprint: string;
  /** Requests that reached the engine, as "METHOD path". */
  forwarded: string[];
  close(): Promise<void>;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** An HTTPS proxy in front of the embedded engine that lets through only the credentials it made. */
export async function startSecuredEs(c: Config = config): Promise<SecuredEs> {
  const secured = securedStack(c);
  const id = randomBytes(6).toString('hex');
  const key = randomBytes(16).toString('hex');
  const apiKey = Buffer.from(`${id}:${key}`).toString('base64');
  const username = 'shop-es';
  const password = randomBytes(16).toString('hex');
  const accepted = [`ApiKey ${apiKey}`, `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`];
  const forwarded: string[] = [];
  // A new upstream connection per request: reusing idle ones races with their close
  // ("socket hang up"), which a proxy without retries would pass on as a failure.
  const upstreamAgent = new http.Agent({ keepAlive: false });
  const sockets = new Set<{ destroy(): void }>();
  const server = https.createServer(
    { cert: fs.readFileSync(secured.certChainFile), key: fs.readFileSync(secured.keyFile) },
    (req, res) => {
      const auth = req.headers.authorization ?? '';
      if (!accepted.some((a) => same(a, auth))) {
        req.resume();
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="security"' });
        res.end(
          JSON.stringify({
            error: { type: 'security_exception', reason: 'unable to authenticate user' },
            status: 401,
          }),
        );
        return;
      }
      forwarded.push(`${req.method} ${req.url}`);
      const { authorization: _, host: __, ...headers } = req.headers;
      const upstream = http.request(
        { host: '127.0.0.1', port: esPortOf(c), method: req.method, path: req.url, headers, agent: upstreamAgent },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (err) => res.destroy(err));
      req.pipe(upstream);
    },
  );
  // Like a cluster, keep idle connections open: the client reuses them for minutes, and a proxy
  // closing them after Node's 5 s default races with reuse ("other side closed").
  server.keepAliveTimeout = 0;
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const ca = new X509Certificate(fs.readFileSync(secured.caFile));
  return {
    url: `https://127.0.0.1:${port}`,
    apiKey,
    username,
    password,
    caFingerprint: ca.fingerprint256,
    forwarded,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SecuredOptions {
  es: SecuredEs;
  /**
   * How the search engine is reached: through the proxy with an API key (default) or a user and
   * password, or (OpenSearch only) the secured node with its own security plugin.
   */
  esAuth?: 'apiKey' | 'basic' | 'opensearch-security';
  kafka?: KafkaMechanism;
}

/** The strongest secured engine this stack has: OpenSearch's own security, else the proxy. */
export const defaultEsAuth = (): SecuredOptions['esAuth'] =>
  config.stackEngine === 'opensearch' ? 'opensearch-security' : 'apiKey';

function esSettings(o: SecuredOptions, caFile: string): Partial<Config> {
  if (o.esAuth === 'opensearch-security') {
    const { esUrl, esUsername, esPassword, esCaFile } = securedOpenSearchConfig(config);
    return { esUrl, esUsername, esPassword, esCaFile, esApiKey: undefined };
  }
  return {
    esUrl: o.es.url,
    esCaFile: caFile,
    ...(o.esAuth === 'basic'
      ? { esUsername: o.es.username, esPassword: o.es.password, esApiKey: undefined }
      : { esApiKey: o.es.apiKey, esUsername: undefined, esPassword: undefined }),
  };
}

/** Settings that reach every server only through its secured listener, with the right credentials. */
export function securedConfig(o: SecuredOptions): Config {
  const secured = securedStack(config);
  const kafkaUser = secured.kafka.users[o.kafka ?? 'scram-sha-512'];
  return {
    ...config,
    ...esSettings(o, secured.caFile),
    kafkaBrokers: [`127.0.0.1:${secured.kafka.port}`],
    kafkaSaslMechanism: o.kafka ?? 'scram-sha-512',
    kafkaUsername: kafkaUser.username,
    kafkaPassword: kafkaUser.password,
    kafkaTls: true,
    kafkaCaFile: secured.caFile,
    redisUrl: `rediss://127.0.0.1:${secured.redis.port}`,
    redisUsername: secured.redis.user.username,
    redisPassword: secured.redis.user.password,
    redisCaFile: secured.caFile,
  };
}

/** Every secret a secured configuration holds, to check that none leaks into output. */
export const secretsIn = (c: Config): string[] =>
  [c.esApiKey, c.esPassword, c.kafkaPassword, c.redisPassword].filter((s): s is string => !!s);

/** The environment a child process needs for the same settings; secrets go through *_FILE files. */
export function securedEnv(c: Config, secretDir: string): Record<string, string> {
  const file = (name: string, value: string) => {
    const f = `${secretDir}/${name}`;
    fs.writeFileSync(f, `${value}\n`, { mode: 0o600 });
    return f;
  };
  const env: Record<string, string | undefined> = {
    SHOP_ES_URL: c.esUrl,
    SHOP_ES_CA_FILE: c.esCaFile,
    SHOP_ES_USERNAME: c.esUsername,
    SHOP_KAFKA_BROKERS: c.kafkaBrokers.join(','),
    SHOP_KAFKA_SASL_MECHANISM: c.kafkaSaslMechanism,
    SHOP_KAFKA_USERNAME: c.kafkaUsername,
    SHOP_KAFKA_TLS: String(c.kafkaTls),
    SHOP_KAFKA_CA_FILE: c.kafkaCaFile,
    SHOP_REDIS_URL: c.redisUrl,
    SHOP_REDIS_USERNAME: c.redisUsername,
    SHOP_REDIS_CA_FILE: c.redisCaFile,
    ...(c.esApiKey ? { SHOP_ES_API_KEY_FILE: file('es-api-key', c.esApiKey) } : {}),
    ...(c.esPassword ? { SHOP_ES_PASSWORD_FILE: file('es-password', c.esPassword) } : {}),
    ...(c.kafkaPassword ? { SHOP_KAFKA_PASSWORD_FILE: file('kafka-password', c.kafkaPassword) } : {}),
    ...(c.redisPassword ? { SHOP_REDIS_PASSWORD_FILE: file('redis-password', c.redisPassword) } : {}),
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** A password of the same shape that the server does not know. */
export const wrongSecret = (): string => createHash('sha256').update(randomBytes(8)).digest('hex').slice(0, 32);
