// Errors the service raises on purpose, each with the HTTP status it maps to (mapped once, in query/errors-plugin).

export class AppError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly code: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A request parameter is invalid; `field` names it. */
export class BadRequestError extends AppError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message, 400, 'bad_request', field ? { field } : undefined);
  }
}

/** No admin key, or a wrong one. */
export class UnauthorizedError extends AppError {
  constructor(message = 'a valid admin key is required (x-admin-key header)') {
    super(message, 401, 'unauthorized');
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(message, 404, 'not_found');
  }
}

/** The client asked for more than its share (rate, concurrency or cost); retry after `retryAfterSeconds`. */
export class TooManyRequestsError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(message, 429, 'rate_limited');
  }
}

/** A backing server is down or too slow; clients should retry after `retryAfterSeconds`. */
export class UnavailableError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
  ) {
    super(message, 503, 'unavailable');
  }
}

/**
 * A backing server refuses this process: wrong credentials, an untrusted certificate, no route.
 * Raised at start-up so a misconfigured process stops with one clear line; the message names the
 * settings to check and never holds a secret.
 */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
  constructor(
    readonly server: 'elasticsearch' | 'kafka' | 'redis',
    message: string,
  ) {
    super(message);
  }
}
