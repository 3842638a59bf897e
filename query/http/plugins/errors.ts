// The one place errors become HTTP responses: a JSON body { error, message, field? } for every
// failure, validation errors naming the field, and no backend error text leaking to clients.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errors as esErrors } from '@elastic/elasticsearch';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, TooManyRequestsError, UnavailableError } from '../../../common/errors.ts';

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

/**
 * The status and JSON body an error becomes (headers such as Retry-After are set on `reply`): the
 * one mapping, which the Algolia protocol routes reuse in their own body shape.
 */
export function errorAnswer(err: FastifyError, req: FastifyRequest, reply: FastifyReply): ErrorBody {
  if (err.validation) {
    const field = fieldOf(err);
    const where = err.validationContext ?? 'request';
    return {
      statusCode: 400,
      error: 'bad_request',
      message: `${where}${field ? `.${field}` : ''} ${err.validation[0]?.message ?? 'is invalid'}`,
      ...(field ? { field } : {}),
    };
  }
  if (err instanceof AppError) {
    if (err instanceof UnavailableError || err instanceof TooManyRequestsError)
      reply.header('retry-after', String(err.retryAfterSeconds));
    return { statusCode: err.statusCode, error: err.code, message: err.message, ...(err.details ?? {}) };
  }
  if (err.code === 'FST_UNDER_PRESSURE') {
    // Load shedding (under-pressure has set Retry-After).
    return { statusCode: 503, error: 'overloaded', message: 'the service is overloaded, retry shortly' };
  }
  if (isBackendFailure(err)) {
    // The name and message say enough; the client's error carries the whole request body.
    req.log.error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'backend failure');
    reply.header('retry-after', '5');
    return { statusCode: 503, error: 'unavailable', message: 'search backend unavailable, retry shortly' };
  }
  // Framework and plugin 4xx (bad JSON body, payload too large, rate limited) keep their status.
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return { statusCode: err.statusCode, error: errorName(err.statusCode), message: err.message };
  }
  req.log.error({ err }, 'unhandled error');
  return { statusCode: 500, error: 'internal', message: 'internal error' };
}

export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const body = errorAnswer(err, req, reply);
    return reply.status(body.statusCode).send(body);
  });
});

/** Unknown routes: the JSON shape, naming the method and (the start of) the path, never the query. */
export function notFound(req: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send({
    statusCode: 404,
    error: 'not_found',
    message: `no route ${req.method} ${req.url.split('?')[0]!.slice(0, 100)}`,
  } satisfies ErrorBody);
}

/**
 * Errors the router raises before any route runs (fastify's `frameworkErrors`): a URL that is not
 * valid percent-encoding, a path segment past the length limit. The JSON shape, without the URL.
 */
export function frameworkError(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : (err.statusCode ?? 400);
  const message =
    err.code === 'FST_ERR_BAD_URL'
      ? 'the URL is not valid (malformed percent-encoding)'
      : status === 414
        ? 'a path segment of the URL is too long'
        : 'the request could not be routed';
  void reply.status(status).send({ statusCode: status, error: errorName(status), message } satisfies ErrorBody);
}

/**
 * Requests Node's HTTP parser refuses before fastify sees them (fastify's `clientErrorHandler`):
 * headers or URL too large (431), too slow (408), malformed (400). Written straight to the
 * socket, in the JSON shape.
 */
export function clientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the URL or headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request took too long to arrive']
        : [400, 'the HTTP request is malformed'];
  const body = JSON.stringify({ statusCode: status, error: errorName(status), message } satisfies ErrorBody);
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}
