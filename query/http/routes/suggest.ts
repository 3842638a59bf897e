// GET /suggest?q=: autocomplete for the search box.
import type { SchemaTypes } from '../schema-types.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { normalizeQuery } from '../../search/params.ts';
import type { SuggestEngine } from '../../suggest/engine.ts';
import { sendAnswer } from '../answer.ts';
import type { Customers } from '../customers.ts';
import { experimentOf, type Impressions } from '../impressions.ts';
import { errorResponses } from '../schemas/common.ts';
import { suggestQuerystring, suggestResponse } from '../schemas/suggest.ts';

export interface SuggestRouteDeps {
  engine: SuggestEngine;
  impressions: Impressions;
  customers: Customers;
}

/** Autocomplete as /suggest answers it, with its impression (query id); the Algolia suggestions index too. */
export async function suggestAnswer(
  deps: SuggestRouteDeps,
  reply: FastifyReply,
  q: string,
  size: number,
  who: { customer?: string; session?: string },
) {
  const answer = sendAnswer(reply, await deps.engine.suggest(q, size, who.customer, who.session));
  const query_id = deps.impressions.track({
    kind: 'suggest',
    query: q,
    suggestions: answer.suggestions.map((x) => x.text),
    ids: answer.products.map((x) => x.id),
    ...(who.session ? { session: who.session } : {}),
    ...(who.customer ? { user: who.customer } : {}),
    took: answer.took,
    ...experimentOf(answer),
  });
  return { answer, query_id };
}

/** What was typed, spaces collapsed; a space after the last word is kept: it says the word is complete. */
export const typedPrefix = (raw: string): string => (normalizeQuery(raw) ?? '') + (/\S\s+$/.test(raw) ? ' ' : '');

export async function suggestRoutes(fastify: FastifyInstance, deps: SuggestRouteDeps) {
  const app = fastify.withTypeProvider<SchemaTypes>();
  app.get(
    '/suggest',
    {
      schema: {
        tags: ['search'],
        summary: 'Autocomplete: query suggestions, categories and products for what has been typed so far',
        querystring: suggestQuerystring,
        response: { 200: suggestResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const q = typedPrefix(req.query.q);
      const customer = deps.customers.customerOf(req.query.customer);
      const { answer, query_id } = await suggestAnswer(deps, reply, q, req.query.size ?? 8, {
        ...(customer ? { customer } : {}),
        ...(req.query.session ? { session: req.query.session } : {}),
      });
      return { query_id, ...answer };
    },
  );
}
