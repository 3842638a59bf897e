// Ajv's type coercion turns "Infinity" or "1e400" into Infinity and then lets it through number
// and integer checks (even with strictNumbers), so a route could hand Redis or Elasticsearch a
// number they refuse. Every request's parameters and body are checked once, here, after
// validation; the error names the field.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { BadRequestError } from '../../../common/errors.ts';

/** The path of the first non-finite number in `value`, if any. */
export function nonFinitePath(value: unknown): string | undefined {
  const found = nonFinite(value, 0);
  return found === undefined ? undefined : found.join('.') || 'body';
}

// The keys down to the first non-finite number, built only once one is found: every request walks its body.
function nonFinite(value: unknown, depth: number): string[] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : [];
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const k of Object.keys(value)) {
    const found = nonFinite((value as Record<string, unknown>)[k], depth + 1);
    if (found !== undefined) {
      found.unshift(k);
      return found;
    }
  }
  return undefined;
}

export const finiteNumbersPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preHandler', async (req) => {
    const field = nonFinitePath(req.query) ?? nonFinitePath(req.params) ?? nonFinitePath(req.body);
    if (field !== undefined) throw new BadRequestError(`${field} must be a finite number`, field);
  });
});
