// Embedded Redis from Debian's redis-server: the plain one the service uses, with append-only
// persistence in the stack's data dir, and a secured one for the secured-connection tests (TLS
// only, with the stack's certificate; one ACL user with a password, the default user off).
// Memory is bounded: past maxmemory, volatile-lfu evicts only keys with a TTL, which by the key
// space's rule (stores/keys.ts) are the ones that can be recomputed (cached answers, recent
// searches, counters), and of those the least often used first, so a flood of one-off requests
// evicts its own entries rather than the hot answers. Kept keys (rules, learned signals,
// published models) have no TTL and are never evicted; if they alone fill memory, writes fail.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../common/config.ts';
import { createRedis } from '../common/clients/redis.ts';
import { securedPaths, securedStack } from './secured.ts';
import type { ToolName } from './prerequisites.ts';
import { processFiles, stackPaths, type StackService } from './service.ts';

interface RedisServer {
  name: string;
  tools?: ToolName[];
  port: number;
  portSetting: string;
  args: string[];
  /** The configuration its health check connects with. */
  client: () => Partial<Config>;
  prepare?(): void;
}

function redisServer(c: Config, r: RedisServer): StackService {
  const dataDir = path.join(stackPaths(c).data, r.name);
  return {
    name: r.name,
    external: c.redisUrl !== undefined,
    tools: ['redis', ...(r.tools ?? [])],
    ports: [{ port: r.port, setting: r.portSetting }],
    processes: [
      {
        name: r.name,
        command: 'redis-server',
        args: [
          '--bind',
          '127.0.0.1',
          '--dir',
          dataDir,
          '--set-proc-title',
          'no',
          '--maxmemory',
          `${c.stackRedisMaxMemoryMb}mb`,
          '--maxmemory-policy',
          'volatile-lfu',
          ...r.args,
        ],
        cwd: c.stackDir,
        marker: dataDir,
        ...processFiles(c, r.name),
      },
    ],
    prepare() {
      fs.mkdirSync(dataDir, { recursive: true });
      r.prepare?.();
    },
    async checkHealth() {
      const redis = createRedis({ ...c, ...r.client() }, { retryStrategy: () => null });
      redis.on('error', () => {}); // the failed command below carries the reason
      try {
        await redis.connect();
        const pong = await redis.ping();
        const info = await redis.info('server');
        return `${pong}, Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`;
      } finally {
        redis.disconnect();
      }
    },
  };
}

export function redisService(c: Config, name = 'redis', port = c.stackRedisPort): StackService {
  return redisServer(c, {
    name,
    port,
    portSetting: 'SHOP_STACK_REDIS_PORT',
    args: ['--port', String(port), '--appendonly', 'yes', '--save', ''],
    client: () => ({ redisUrl: `redis://127.0.0.1:${port}`, redisUsername: undefined, redisPassword: undefined }),
  });
}

export function securedRedisService(c: Config): StackService {
  const secured = securedPaths(c);
  const aclFile = path.join(stackPaths(c).conf, 'redis-secured', 'users.acl');
  return redisServer(c, {
    name: 'redis-secured',
    tools: ['openssl'],
    port: secured.redisPort,
    portSetting: 'SHOP_STACK_REDIS_TLS_PORT',
    args: [
      '--port',
      '0',
      '--tls-port',
      String(secured.redisPort),
      '--tls-cert-file',
      secured.certChainFile,
      '--tls-key-file',
      secured.keyFile,
      '--tls-ca-cert-file',
      secured.caFile,
      '--tls-auth-clients',
      'no',
      '--aclfile',
      aclFile,
      '--save',
      '',
    ],
    client: () => ({
      redisUrl: `rediss://127.0.0.1:${secured.redisPort}`,
      redisUsername: securedStack(c).redis.user.username,
      redisPassword: securedStack(c).redis.user.password,
      redisCaFile: secured.caFile,
    }),
    prepare() {
      const { username, password } = securedStack(c).redis.user;
      fs.mkdirSync(path.dirname(aclFile), { recursive: true });
      fs.writeFileSync(aclFile, `user default off\nuser ${username} on >${password} ~* &* +@all\n`, { mode: 0o600 });
    },
  });
}
