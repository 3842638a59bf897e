// The storefront demo (/), the merchandiser console (/admin) and the InstantSearch storefront
// (/instantsearch): static files from web/ and the browser bundles of installed packages, served by
// the service itself, with security headers on every page. No build step.
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

/** URL name -> the folder of an installed package that holds its browser bundle. */
const VENDOR: Record<string, string> = {
  'instantsearch.js': 'instantsearch.js/dist',
  'instantsearch.css': 'instantsearch.css/themes',
  algoliasearch: 'algoliasearch/dist/lite/builds',
  'search-insights': 'search-insights/dist',
  'autocomplete-js': '@algolia/autocomplete-js/dist/umd',
  'autocomplete-plugin-query-suggestions': '@algolia/autocomplete-plugin-query-suggestions/dist/umd',
  'autocomplete-theme-classic': '@algolia/autocomplete-theme-classic/dist',
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
  // The InstantSearch storefront's libraries, as npm installed them: no build step, no CDN.
  for (const [name, dir] of Object.entries(VENDOR))
    await app.register(fastifyStatic, {
      root: path.join(projectRoot, 'node_modules', dir),
      prefix: `/web/vendor/${name}/`,
      decorateReply: false,
      index: false,
      setHeaders: (res) => {
        for (const [k, v] of Object.entries(PAGE_HEADERS)) res.setHeader(k, v);
        res.setHeader('cache-control', 'public, max-age=3600');
      },
    });
  const page = (file: string) => async (_req: unknown, reply: { sendFile: (f: string) => unknown }) =>
    reply.sendFile(file);
  app.get('/', { schema: { hide: true } }, page('index.html'));
  app.get('/admin', { schema: { hide: true } }, page('admin.html'));
  app.get('/instantsearch', { schema: { hide: true } }, page('instantsearch.html'));
}
