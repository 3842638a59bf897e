// Hands a batch of shopper events to Kafka before `POST /events` answers 202: acknowledged by the
// broker, or refused fast with 503 so the shop retries. Batches that arrive together (in one turn
// of the event loop) go out in one produce request, as a Kafka client's linger would send them:
// encoding and writing a request to the broker was most of the route's cost, and one request per
// batch paid it for every batch. Each batch still waits for the acknowledgement of the request
// that carried it. What the service holds (waiting or being sent) is bounded: beyond it, 503.
import { createProducer, type Kafka } from '../common/clients/kafka.ts';
import { UnavailableError } from '../common/errors.ts';
import type { RecordedEvent } from './shopper-event.ts';

export interface EventPublisher {
  publish(events: readonly RecordedEvent[]): Promise<void>;
  close(): Promise<void>;
}

export interface EventPublisherLimits {
  /** Events held at once, waiting or being sent; more are refused with 503. */
  maxHeld: number;
  /** Events in one produce request (its size stays well under the broker's limit). */
  maxPerRequest: number;
}

interface Waiting {
  events: readonly RecordedEvent[];
  done: (err?: unknown) => void;
}

export function createEventPublisher(
  kafka: Kafka,
  topic: string,
  timeoutMs: number,
  limits: EventPublisherLimits,
): EventPublisher {
  // One attempt per request: the shop's retry (after Retry-After) is the retry.
  const producer = createProducer(kafka, { retry: { retries: 0 } });
  let connected: Promise<void> | undefined;
  const unavailable = () => new UnavailableError('the event log is unavailable, retry shortly', 2);
  let waiting: Waiting[] = [];
  let held = 0;
  let flushing = false;

  async function send(batch: Waiting[]): Promise<void> {
    const count = batch.reduce((n, w) => n + w.events.length, 0);
    try {
      connected ??= producer.connect().catch((err: unknown) => {
        connected = undefined;
        throw err;
      });
      await connected;
      await producer.send({
        topic,
        acks: -1,
        timeout: timeoutMs,
        // Keyed by session: a session's events stay in order on one partition.
        messages: batch.flatMap((w) => w.events.map((e) => ({ key: e.session, value: JSON.stringify(e) }))),
      });
      for (const w of batch) w.done();
    } catch (err) {
      for (const w of batch) w.done(err);
    } finally {
      held -= count;
    }
  }

  /** Sends what waits, in requests of at most maxPerRequest events (a batch is never split). */
  function flush(): void {
    flushing = false;
    const all = waiting;
    waiting = [];
    let batch: Waiting[] = [];
    let size = 0;
    for (const w of all) {
      if (size > 0 && size + w.events.length > limits.maxPerRequest) {
        void send(batch);
        batch = [];
        size = 0;
      }
      batch.push(w);
      size += w.events.length;
    }
    if (batch.length > 0) void send(batch);
  }

  return {
    async publish(events) {
      if (held + events.length > limits.maxHeld) throw unavailable();
      held += events.length;
      let timer: NodeJS.Timeout | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          timer = setTimeout(() => reject(unavailable()), timeoutMs);
          waiting.push({ events, done: (err) => (err === undefined ? resolve() : reject(err)) });
          if (!flushing) {
            flushing = true;
            setImmediate(flush);
          }
        });
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
