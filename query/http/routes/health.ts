// GET /health/live: the process answers. GET /health/ready: every required dependency answers.
import type { FastifyInstance } from 'fastify';
import { checkDependencies, type Probe } from '../readiness.ts';

export interface HealthOptions {
  probes: Record<string, Probe>;
  required: readonly string[];
  timeoutMs: number;
}

const dependency = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    up: { type: 'boolean' },
    required: { type: 'boolean' },
    latencyMs: { type: 'number' },
    detail: { type: 'string' },
  },
} as const;

export async function healthRoutes(app: FastifyInstance, opts: HealthOptions) {
  // Probes are never rate limited: under overload they must keep answering.
  app.get(
    '/health/live',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['health'],
        summary: 'Liveness',
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/health/ready',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['health'],
        summary: 'Readiness with each dependency and its latency; 503 when a required one is down',
        response: {
          '2xx': {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ready', 'degraded'] },
              dependencies: { type: 'array', items: dependency },
            },
          },
          503: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['not_ready'] },
              dependencies: { type: 'array', items: dependency },
            },
          },
        },
      },
    },
    async (_req, reply) => {
      const dependencies = await checkDependencies(opts.probes, opts.required, opts.timeoutMs);
      if (dependencies.some((d) => d.required && !d.up)) {
        reply.header('retry-after', '5');
        return reply.status(503).send({ status: 'not_ready', dependencies });
      }
      return { status: dependencies.every((d) => d.up) ? 'ready' : 'degraded', dependencies };
    },
  );
}
