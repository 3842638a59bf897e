// A secured OpenSearch node for the secured-connection tests: OpenSearch 2.19.1 with its own
// security plugin (from Maven Central), HTTPS and transport TLS with the stack's certificate, one
// internal user with a password, anonymous access off. It runs beside the plain engine when
// SHOP_STACK_ENGINE=opensearch; the security index is initialised from the files written here on
// the node's first start.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createEsClient } from '../common/clients/elasticsearch.ts';
import { type Config, esEmbedded, openSearchSecuredPortsOf } from '../common/config.ts';
import { ensureJars } from './jars.ts';
import { engineNodeConfigDir, engineNodeProcess } from './search-engine.ts';
import { securedPaths, securedStack } from './secured.ts';
import type { StackService } from './service.ts';

const NAME = 'opensearch-secured';

/** The configuration that reaches the secured node as its user. */
export function securedOpenSearchConfig(c: Config): Config {
  const secured = securedStack(c);
  return {
    ...c,
    esUrl: `https://127.0.0.1:${openSearchSecuredPortsOf(c).http}`,
    esCloudId: undefined,
    esApiKey: undefined,
    esUsername: secured.openSearch.user.username,
    esPassword: secured.openSearch.user.password,
    esCaFile: secured.caFile,
    esCaFingerprint: undefined,
  };
}

export function securedOpenSearchService(c: Config): StackService {
  const ports = openSearchSecuredPortsOf(c);
  const lib = (name: string) => `${path.join(c.stackDir, 'lib', name)}/*`;
  const conf = engineNodeConfigDir(c, NAME, 1);
  const securityConf = path.join(conf, 'opensearch-security');
  return {
    name: NAME,
    external: !esEmbedded(c),
    tools: ['java', 'javac', 'mvn', 'openssl'],
    ports: [
      { port: ports.http, setting: 'SHOP_STACK_OPENSEARCH_SECURED_PORT' },
      { port: ports.transport, setting: 'SHOP_STACK_OPENSEARCH_TRANSPORT_PORT' },
    ],
    processes: [
      engineNodeProcess(c, {
        name: NAME,
        engine: 'opensearch',
        node: 1,
        nodes: 1,
        httpPort: ports.http,
        transportPort: ports.transport,
        heapMb: 384,
        // The engine's jars first: where both ship a library, the engine's version wins.
        classpath: [lib('opensearch'), lib('opensearch-security')],
        jvmOptions: ['-Dshop.plugins=org.opensearch.security.OpenSearchSecurityPlugin'],
        settings: [
          // File paths are relative to the node's config folder, the only place the plugin reads.
          'plugins.security.ssl.transport.pemcert_filepath=node.pem',
          'plugins.security.ssl.transport.pemkey_filepath=node-key.pem',
          'plugins.security.ssl.transport.pemtrustedcas_filepath=root-ca.pem',
          'plugins.security.ssl.transport.enforce_hostname_verification=false',
          'plugins.security.ssl.http.enabled=true',
          'plugins.security.ssl.http.pemcert_filepath=node.pem',
          'plugins.security.ssl.http.pemkey_filepath=node-key.pem',
          'plugins.security.ssl.http.pemtrustedcas_filepath=root-ca.pem',
          'plugins.security.allow_default_init_securityindex=true',
          'plugins.security.nodes_dn=CN=localhost',
          // No admin certificate: the security configuration is only ever the files below.
          'plugins.security.authcz.admin_dn=CN=nobody',
          'plugins.security.audit.type=noop',
        ],
      }),
    ],
    prepare(say) {
      ensureJars('opensearch', c.stackDir, say);
      const securityLib = ensureJars('opensearch-security', c.stackDir, say, true);
      const secured = securedStack(c);
      fs.mkdirSync(securityConf, { recursive: true });
      fs.copyFileSync(secured.certChainFile, path.join(conf, 'node.pem'));
      fs.copyFileSync(secured.keyFile, path.join(conf, 'node-key.pem'));
      fs.copyFileSync(secured.caFile, path.join(conf, 'root-ca.pem'));
      for (const f of fs.readdirSync(path.join(securityLib, 'config')).filter((x) => x.endsWith('.yml')))
        if (f !== 'internal_users.yml')
          fs.copyFileSync(path.join(securityLib, 'config', f), path.join(securityConf, f));
      const users = path.join(securityConf, 'internal_users.yml');
      const { username, password } = secured.openSearch.user;
      if (fs.existsSync(users) && fs.readFileSync(users, 'utf8').includes(`\n${username}:\n`)) return;
      // The plugin's own hasher, with the password passed in the environment, not the command line.
      const r = spawnSync(
        'java',
        [
          '-cp',
          `${lib('opensearch')}:${lib('opensearch-security')}`,
          'org.opensearch.security.tools.Hasher',
          '-env',
          'SHOP_OS_PASSWORD',
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, SHOP_OS_PASSWORD: password },
        },
      );
      const hash = r.stdout.trim().split('\n').at(-1) ?? '';
      if (r.status !== 0 || !hash.startsWith('$2'))
        throw new Error(`hashing the OpenSearch user's password failed: ${r.stderr}`);
      // backend role admin: mapped to all_access by the plugin's default roles_mapping.yml.
      fs.writeFileSync(
        users,
        `---\n_meta:\n  type: "internalusers"\n  config_version: 2\n${username}:\n  hash: "${hash}"\n  backend_roles:\n  - "admin"\n`,
        { mode: 0o600 },
      );
    },
    async checkHealth() {
      const es = await createEsClient(securedOpenSearchConfig(c), { requestTimeoutMs: 3000 });
      try {
        const health = await es.cluster.health({ wait_for_status: 'yellow', timeout: '1s' });
        if (health.timed_out) throw new Error(`cluster health ${health.status}`);
        return `${health.status}, security plugin, HTTPS on ${securedPaths(c).openSearchPort}`;
      } finally {
        await es.close();
      }
    },
  };
}
