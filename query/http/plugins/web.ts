// The storefront demo (/) and the merchandiser console (/admin): static files from web/, served
// by the service itself, with security headers on every page. No build step: plain ES modules.
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from '../../../common/config.ts';

const WEB_ROOT = path.join(projectRoot, 'web');

// Pages load only their own scripts and styles and talk only to this service.
const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export async function webPages(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: WEB_ROOT,
    prefix: '/web/',
    index: false,
    setHeaders: (res) => {
      for (const [k, v] of Object.entries(PAGE_HEADERS)) res.setHeader(k, v);
      res.setHeader('cache-control', 'no-cache');
    },
  });
  const page = (file: string) => async (_req: unknown, reply: { sendFile: (f: string) => unknown }) =>
    reply.sendFile(file);
  app.get('/', { schema: { hide: true } }, page('index.html'));
  app.get('/admin', { schema: { hide: true } }, page('admin.html'));
}
