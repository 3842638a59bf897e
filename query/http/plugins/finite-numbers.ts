// Ajv's type coercion turns "Infinity" or "1e400" into Infinity and then lets it through number
// and integer checks (even with strictNumbers), so a route could hand Redis or Elasticsearch a
// number they refuse. Every request's parameters and body are checked once, here, after
// validation; the error names the field.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { BadRequestError } from '../../../common/errors.ts';

/** The path of the first non-finite number in `value`, if any. */
export function nonFinitePath(value: unknown, path: string[] = [], depth = 0): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path.join('.') || 'body';
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = nonFinitePath(v, [...path, k], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

export const finiteNumbersPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preHandler', async (req) => {
    const field = nonFinitePath(req.query) ?? nonFinitePath(req.params) ?? nonFinitePath(req.body);
    if (field !== undefined) throw new BadRequestError(`${field} must be a finite number`, field);
  });
});
