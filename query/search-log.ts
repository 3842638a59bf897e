// Every search is recorded for autocomplete, asynchronously: requests append to a bounded buffer
// that is flushed to a Kafka topic once a second. A slow or absent Kafka never slows a search; when
// the buffer is full the oldest entries are dropped and counted.
import { Counter, type Registry } from 'prom-client';
import { createProducer, type Kafka } from '../common/clients/kafka.ts';
import type { Logger } from '../common/logger.ts';

export interface SearchLogEntry {
  query: string;
  total: number;
  ts: string;
  /** The customer, when the search named one: suggestions count distinct shoppers. */
  user?: string;
}

export interface SearchLog {
  record(query: string, total: number, customer?: string): void;
  close(): Promise<void>;
}

export function createSearchLog(
  kafka: Kafka,
  topic: string,
  log: Logger,
  registry: Registry,
  flushMs = 1000,
  maxBuffer = 10000,
): SearchLog {
  const producer = createProducer(kafka);
  const dropped = new Counter({
    name: 'shop_search_log_dropped_total',
    help: 'Searches not recorded because the log buffer was full or Kafka failed',
    registers: [registry],
  });
  let buffer: SearchLogEntry[] = [];
  let connected: Promise<void> | undefined;
  let flushing = false;
  const flush = async () => {
    if (flushing || buffer.length === 0) return;
    flushing = true;
    const batch = buffer;
    buffer = [];
    try {
      connected ??= producer.connect();
      await connected;
      await producer.send({ topic, messages: batch.map((e) => ({ value: JSON.stringify(e) })) });
    } catch (err) {
      connected = undefined;
      dropped.inc(batch.length);
      log.warn({ err: (err as Error).message, count: batch.length }, 'search log flush failed');
    } finally {
      flushing = false;
    }
  };
  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();
  return {
    record(query, total, customer) {
      if (buffer.length >= maxBuffer) {
        buffer.shift();
        dropped.inc();
      }
      buffer.push({ query, total, ts: new Date().toISOString(), ...(customer ? { user: customer } : {}) });
    },
    async close() {
      clearInterval(timer);
      await flush();
      await producer.disconnect();
    },
  };
}
