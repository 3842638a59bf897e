// Embedded Redis from Debian's redis-server, with append-only persistence in the stack's data dir.
// Memory is bounded: past maxmemory, volatile-lfu evicts only keys with a TTL, which by the key
// space's rule (stores/keys.ts) are the ones that can be recomputed (cached answers, recent
// searches, counters), and of those the least often used first, so a flood of one-off requests
// evicts its own entries rather than the hot answers. Kept keys (rules, learned signals,
// published models) have no TTL and are never evicted; if they alone fill memory, writes fail.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../common/config.ts';
import { createRedis } from '../common/clients/redis.ts';
import { processFiles, stackPaths, type StackService } from './service.ts';

export function redisService(c: Config, name = 'redis', port = c.stackRedisPort): StackService {
  const dataDir = path.join(stackPaths(c).data, name);
  return {
    name,
    external: c.redisUrl !== undefined,
    tools: ['redis'],
    ports: [{ port, setting: 'SHOP_STACK_REDIS_PORT' }],
    processes: [
      {
        name,
        command: 'redis-server',
        args: [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dataDir,
          '--appendonly',
          'yes',
          '--save',
          '',
          '--set-proc-title',
          'no',
          '--maxmemory',
          `${c.stackRedisMaxMemoryMb}mb`,
          '--maxmemory-policy',
          'volatile-lfu',
        ],
        cwd: c.stackDir,
        marker: dataDir,
        ...processFiles(c, name),
      },
    ],
    prepare() {
      fs.mkdirSync(dataDir, { recursive: true });
    },
    async checkHealth() {
      const redis = createRedis(`redis://127.0.0.1:${port}`, { retryStrategy: () => null });
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
