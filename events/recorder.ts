// Records to a Kafka topic without ever slowing a request: records go to a bounded buffer that is
// flushed once per interval. A slow or absent Kafka costs nothing but the records: when the buffer
// is full the oldest are dropped and counted.
import { Counter, type Registry } from 'prom-client';
import { createProducer, type Kafka } from '../common/clients/kafka.ts';
import type { Logger } from '../common/logger.ts';

export interface Recorder<T> {
  record(value: T, key?: string): void;
  /** Sends what is buffered now (and waits for a send in progress). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface RecorderOptions {
  topic: string;
  /** Names the recorder in metrics and logs. */
  what: string;
  flushMs?: number;
  maxBuffer?: number;
}

export function createRecorder<T>(kafka: Kafka, log: Logger, registry: Registry, o: RecorderOptions): Recorder<T> {
  const flushMs = o.flushMs ?? 1000;
  const maxBuffer = o.maxBuffer ?? 10000;
  const producer = createProducer(kafka);
  const dropped = new Counter({
    name: `shop_${o.what}_dropped_total`,
    help: `${o.what} not recorded because the buffer was full or Kafka failed`,
    registers: [registry],
  });
  let buffer: { key?: string; value: string }[] = [];
  let connected: Promise<void> | undefined;
  let flushing: Promise<void> | undefined;
  const send = async () => {
    const batch = buffer;
    buffer = [];
    try {
      connected ??= producer.connect();
      await connected;
      await producer.send({ topic: o.topic, messages: batch });
    } catch (err) {
      connected = undefined;
      dropped.inc(batch.length);
      log.warn({ err: (err as Error).message, count: batch.length }, `${o.what} flush failed`);
    }
  };
  const flush = async () => {
    await flushing;
    if (buffer.length === 0) return;
    flushing = send().finally(() => {
      flushing = undefined;
    });
    await flushing;
  };
  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();
  return {
    record(value, key) {
      if (buffer.length >= maxBuffer) {
        buffer.shift();
        dropped.inc();
      }
      buffer.push({ value: JSON.stringify(value), ...(key ? { key } : {}) });
    },
    flush,
    async close() {
      clearInterval(timer);
      await flushing;
      await flush();
      await producer.disconnect();
    },
  };
}
