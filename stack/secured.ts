// The secured side of the embedded stack, for the secured-connection tests: a self-signed CA and a
// server certificate for 127.0.0.1 made with openssl on first start, and generated credentials
// (Kafka SCRAM and PLAIN users, a Redis ACL user, an OpenSearch user), kept under <stackDir>/conf/secured, readable
// only by their owner. The servers' secured listeners and the tests both read them from here.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Config, kafkaSaslPortOf, openSearchSecuredPortsOf, redisTlsPortOf } from '../common/config.ts';
import { stackPaths } from './service.ts';

export class TlsSetupError extends Error {
  override name = 'TlsSetupError';
}

export interface SecuredPaths {
  dir: string;
  /** PEM of the CA that signed the servers' certificate: what clients are given to trust. */
  caFile: string;
  /** Server certificate followed by the CA (a full chain, as CA-fingerprint clients need). */
  certChainFile: string;
  keyFile: string;
  /** Private key and certificate chain in one PEM file: Kafka's PEM keystore. */
  keystoreFile: string;
  kafkaPort: number;
  redisPort: number;
  openSearchPort: number;
}

export interface SecuredStack extends SecuredPaths {
  kafka: { port: number; users: Record<'plain' | 'scram-sha-256' | 'scram-sha-512', Credential> };
  redis: { port: number; user: Credential };
  /** The internal user of the secured OpenSearch node. */
  openSearch: { user: Credential };
}

export interface Credential {
  username: string;
  password: string;
}

const openssl = (args: string[], cwd: string) => {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new TlsSetupError(`openssl ${args[0]} failed: ${r.error?.message ?? r.stderr}`);
};

function ensureCertificates(dir: string): void {
  if (fs.existsSync(path.join(dir, 'keystore.pem'))) return;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // -nodes keeps the keys unencrypted (PKCS#8), as Kafka's PEM keystore and Redis read them.
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      '/CN=shopsearch embedded CA',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
    ],
    dir,
  );
  openssl(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr'],
    dir,
  );
  fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '3650',
      '-extfile',
      'server.ext',
      '-out',
      'server.pem',
    ],
    dir,
  );
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  fs.writeFileSync(path.join(dir, 'chain.pem'), read('server.pem') + read('ca.pem'));
  fs.writeFileSync(path.join(dir, 'keystore.pem'), read('server.key') + read('server.pem') + read('ca.pem'), {
    mode: 0o600,
  });
}

const newCredential = (username: string): Credential => ({ username, password: randomBytes(18).toString('hex') });

type Credentials = SecuredStack['kafka']['users'] & { redis: Credential; openSearch: Credential };

/** Generated once; a credential added by a later version of the stack is generated and kept too. */
function ensureCredentials(file: string): Credentials {
  const kept = (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}) as Partial<Credentials>;
  const all: Credentials = {
    plain: kept.plain ?? newCredential('shop-plain'),
    'scram-sha-256': kept['scram-sha-256'] ?? newCredential('shop-scram256'),
    'scram-sha-512': kept['scram-sha-512'] ?? newCredential('shop-scram512'),
    redis: kept.redis ?? newCredential('shop'),
    openSearch: kept.openSearch ?? newCredential('shop-os'),
  };
  if (Object.keys(kept).length !== Object.keys(all).length)
    fs.writeFileSync(file, JSON.stringify(all, null, 2), { mode: 0o600 });
  return all;
}

/** Where the secured listeners' files are and which ports they use; creates nothing. */
export function securedPaths(c: Config): SecuredPaths {
  const dir = path.join(stackPaths(c).conf, 'secured');
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    certChainFile: path.join(dir, 'chain.pem'),
    keyFile: path.join(dir, 'server.key'),
    keystoreFile: path.join(dir, 'keystore.pem'),
    kafkaPort: kafkaSaslPortOf(c),
    redisPort: redisTlsPortOf(c),
    openSearchPort: openSearchSecuredPortsOf(c).http,
  };
}

/** The CA, certificate and credentials of the secured listeners, made on first use. */
export function securedStack(c: Config): SecuredStack {
  const paths = securedPaths(c);
  ensureCertificates(paths.dir);
  const { redis, openSearch, ...kafkaUsers } = ensureCredentials(path.join(paths.dir, 'credentials.json'));
  return {
    ...paths,
    kafka: { port: paths.kafkaPort, users: kafkaUsers },
    redis: { port: paths.redisPort, user: redis },
    openSearch: { user: openSearch },
  };
}
