// The one place errors become HTTP responses: a JSON body { error, message, field? } for every
// failure, validation errors naming the field, and no backend error text leaking to clients.
import { STATUS_CODES } from 'node:http';
import { errors as esErrors } from '@elastic/elasticsearch';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, UnavailableError } from '../../../common/errors.ts';

export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
  statusCode: number;
}

function fieldOf(err: FastifyError): string | undefined {
  const v = err.validation?.[0];
  if (!v) return undefined;
  const params = v.params as Record<string, unknown>;
  const extra = (params.additionalProperty ?? params.missingProperty) as string | undefined;
  const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
  return [path, extra].filter(Boolean).join('.') || undefined;
}

/** "Too Many Requests" -> "too_many_requests", with the names clients most often branch on kept short. */
function errorName(status: number): string {
  if (status === 429) return 'rate_limited';
  return (STATUS_CODES[status] ?? 'bad_request').toLowerCase().replace(/[^a-z]+/g, '_');
}

const isBackendFailure = (err: unknown): boolean =>
  err instanceof esErrors.ConnectionError ||
  err instanceof esErrors.TimeoutError ||
  err instanceof esErrors.NoLivingConnectionsError ||
  err instanceof esErrors.ResponseError;

export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) {
      const field = fieldOf(err);
      const where = err.validationContext ?? 'request';
      return reply.status(400).send({
        statusCode: 400,
        error: 'bad_request',
        message: `${where}${field ? `.${field}` : ''} ${err.validation[0]?.message ?? 'is invalid'}`,
        field,
      } satisfies ErrorBody);
    }
    if (err instanceof AppError) {
      if (err instanceof UnavailableError) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply
        .status(err.statusCode)
        .send({ statusCode: err.statusCode, error: err.code, message: err.message, ...(err.details ?? {}) });
    }
    if (isBackendFailure(err)) {
      // The name and message say enough; the client's error carries the whole request body.
      req.log.error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'backend failure');
      reply.header('retry-after', '5');
      return reply.status(503).send({
        statusCode: 503,
        error: 'unavailable',
        message: 'search backend unavailable, retry shortly',
      } satisfies ErrorBody);
    }
    // Framework and plugin 4xx (bad JSON body, payload too large, rate limited) keep their status.
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send({
        statusCode: err.statusCode,
        error: errorName(err.statusCode),
        message: err.message,
      } satisfies ErrorBody);
    }
    req.log.error({ err }, 'unhandled error');
    return reply
      .status(500)
      .send({ statusCode: 500, error: 'internal', message: 'internal error' } satisfies ErrorBody);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({
      statusCode: 404,
      error: 'not_found',
      message: `no route ${req.method} ${req.url.split('?')[0]}`,
    } satisfies ErrorBody);
  });
});
