// The serving baseline: a minimal fastify route that answers with one Redis GET, nothing else.
// Run as its own process, like the service, so both sides pay the same per-process costs.
import Fastify from 'fastify';
import { createRedis } from '../common/clients/redis.ts';
import { loadConfig } from '../common/config.ts';

const [port, redisUrl, prefix] = process.argv.slice(2) as [string, string, string];
const redis = createRedis({ ...loadConfig(), redisUrl });
await redis.connect();
const app = Fastify();
app.get<{ Params: { id: string } }>('/similar/:id', async (req, reply) => {
  const value = await redis.get(`${prefix}${req.params.id}`);
  return reply.type('application/json').send(value ?? '[]');
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stderr.write('ready\n');
