// GET /suggest?q=: autocomplete for the search box.
import type { SchemaTypes } from '../schema-types.ts';
import type { FastifyInstance } from 'fastify';
import { normalizeQuery } from '../../search/params.ts';
import type { SuggestEngine } from '../../suggest/engine.ts';
import { sendAnswer } from '../answer.ts';
import type { Customers } from '../customers.ts';
import { experimentOf, type Impressions } from '../impressions.ts';
import { errorResponses } from '../schemas/common.ts';
import { suggestQuerystring, suggestResponse } from '../schemas/suggest.ts';

export async function suggestRoutes(
  fastify: FastifyInstance,
  deps: { engine: SuggestEngine; impressions: Impressions; customers: Customers },
) {
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
      // A space after the last word is kept: it says the word is complete.
      const q = (normalizeQuery(req.query.q) ?? '') + (/\S\s+$/.test(req.query.q) ? ' ' : '');
      const customer = deps.customers.customerOf(req.query.customer);
      const answer = sendAnswer(reply, await deps.engine.suggest(q, req.query.size ?? 8, customer, req.query.session));
      const query_id = deps.impressions.track({
        kind: 'suggest',
        query: q,
        suggestions: answer.suggestions.map((x) => x.text),
        ids: answer.products.map((x) => x.id),
        ...(req.query.session ? { session: req.query.session } : {}),
        ...(customer ? { user: customer } : {}),
        took: answer.took,
        ...experimentOf(answer),
      });
      return { query_id, ...answer };
    },
  );
}
