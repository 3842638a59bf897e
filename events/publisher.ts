// Hands a batch of shopper events to Kafka before `POST /events` answers 202: acknowledged by the
// broker, or refused fast with 503 so the shop retries. Nothing is buffered in the service, so a
// Kafka outage cannot grow its memory.
import { createProducer, type Kafka } from '../common/clients/kafka.ts';
import { UnavailableError } from '../common/errors.ts';
import type { RecordedEvent } from './shopper-event.ts';

export interface EventPublisher {
  publish(events: readonly RecordedEvent[]): Promise<void>;
  close(): Promise<void>;
}

export function createEventPublisher(kafka: Kafka, topic: string, timeoutMs: number): EventPublisher {
  // One attempt per request: the shop's retry (after Retry-After) is the retry.
  const producer = createProducer(kafka, { retry: { retries: 0 } });
  let connected: Promise<void> | undefined;
  const unavailable = () => new UnavailableError('the event log is unavailable, retry shortly', 2);
  return {
    async publish(events) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(unavailable()), timeoutMs);
      });
      try {
        connected ??= producer.connect().catch((err: unknown) => {
          connected = undefined;
          throw err;
        });
        await Promise.race([connected, timeout]);
        await Promise.race([
          producer.send({
            topic,
            acks: -1,
            timeout: timeoutMs,
            // Keyed by session: a session's events stay in order on one partition.
            messages: events.map((e) => ({ key: e.session, value: JSON.stringify(e) })),
          }),
          timeout,
        ]);
      } catch (err) {
        if (err instanceof UnavailableError) throw err;
        throw unavailable();
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => producer.disconnect(),
  };
}
