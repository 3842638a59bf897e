// Which failures pass by themselves and which never will. Transient: a server down, slow or pushing
// back (connection errors, timeouts, 429, 5xx, Kafka errors it marks retriable); the indexer waits
// and retries them. Permanent: the request itself is refused (any other 4xx, a Kafka record too
// large, a bug tripped by one event); retrying cannot help, so the events are split until the
// offending ones are found and dead-lettered, and the lane moves on.
import { errors as esErrors } from '@elastic/elasticsearch';

export type FailureKind = 'transient' | 'permanent';

/** The server pushed back or failed in a way that may pass: retry later. */
export class TransientWriteError extends Error {
  override name = 'TransientWriteError';
}

// 401, 403 and 404 (credentials, permissions, an index deleted under the alias) are refused for
// every event alike: the operator fixes them, the events are not at fault, so they are waited out.
const transientStatus = (status: number | undefined): boolean =>
  status === undefined || [401, 403, 404, 408, 429].includes(status) || status >= 500;

export function failureKind(err: unknown): FailureKind {
  if (err instanceof TransientWriteError) return 'transient';
  if (
    err instanceof esErrors.ConnectionError ||
    err instanceof esErrors.TimeoutError ||
    err instanceof esErrors.NoLivingConnectionsError
  )
    return 'transient';
  if (err instanceof esErrors.ResponseError) return transientStatus(err.statusCode) ? 'transient' : 'permanent';
  // kafkajs marks its errors; after its own retries it wraps the last one, whose mark still holds.
  const kafka = err as { name?: string; retriable?: boolean; cause?: { retriable?: boolean } } | null;
  if (kafka && typeof kafka.name === 'string' && kafka.name.startsWith('KafkaJS')) {
    if (kafka.retriable === true || kafka.cause?.retriable === true) return 'transient';
    return 'permanent';
  }
  return 'permanent';
}

/** A short description of a failure for a dead letter's reason: no request bodies. */
export function failureReason(err: unknown): string {
  if (err instanceof esErrors.ResponseError) {
    const body = err.body as { error?: { type?: string; reason?: string } | string } | undefined;
    const e = typeof body?.error === 'object' ? body.error : undefined;
    return `Elasticsearch refused the request (${err.statusCode}${e?.type ? ` ${e.type}` : ''}): ${
      e?.reason ?? (typeof body?.error === 'string' ? body.error : err.message)
    }`.slice(0, 1000);
  }
  return `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`.slice(0, 1000);
}
