// The service's side of the closed loop: the impressions recorder every answer writes to and the
// event publisher behind POST /events, with their topics created when missing.
import { createTopicsIfMissing, type Kafka } from '../../common/clients/kafka.ts';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';
import type { Impression } from '../../events/impression.ts';
import { createEventPublisher } from '../../events/publisher.ts';
import { createRecorder } from '../../events/recorder.ts';
import type { Registry } from 'prom-client';
import type { QueryRuntime } from './wiring.ts';

export interface ClosedLoop {
  /** Sends the impressions buffered so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Wires the runtime's impression sink and POST /events to Kafka; call before the app is built. */
export async function openClosedLoop(
  c: Config,
  kafka: Kafka,
  log: Logger,
  registry: Registry,
  runtime: QueryRuntime,
  flushMs?: number,
): Promise<ClosedLoop> {
  const topics = [
    c.shopperEventsTopic,
    `${c.shopperEventsTopic}.dlq`,
    ...(c.impressionsTopic ? [c.impressionsTopic] : []),
  ];
  await createTopicsIfMissing(kafka, topics, c.shopperEventsPartitions).catch((err: Error) =>
    log.warn({ err: err.message }, 'impressions and events topics not created'),
  );
  const impressions = c.impressionsTopic
    ? createRecorder<Impression>(kafka, log, registry, {
        topic: c.impressionsTopic,
        what: 'impressions',
        ...(flushMs ? { flushMs } : {}),
      })
    : undefined;
  // Keyed by session (else the query id), like the shopper's events, so both land on the same partition.
  if (impressions) runtime.impressionSink.record = (i) => impressions.record(i, i.session ?? i.query_id);
  const publisher = createEventPublisher(kafka, c.shopperEventsTopic, c.eventsPublishTimeoutMs, {
    maxHeld: c.eventsMaxHeld,
    // A thousand events of a few hundred bytes: a produce request well under the broker's 1 MB.
    maxPerRequest: 1000,
  });
  runtime.services.events = {
    publisher,
    customerOf: (given, field) => runtime.services.customers.customerOf(given, field)!,
  };
  return {
    flush: async () => impressions?.flush(),
    async close() {
      delete runtime.impressionSink.record;
      await impressions?.close();
      await publisher.close();
    },
  };
}
