// A dead-lettered event keeps its original key, value and headers; the reason and where it came
// from travel as headers, so the record can be inspected and re-published as it was.
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

export interface DeadLetter {
  message: KafkaMessage;
  topic: string;
  partition: number;
  reason: string;
}

export const DLQ_HEADERS = {
  reason: 'dlq.reason',
  topic: 'dlq.source.topic',
  partition: 'dlq.source.partition',
  offset: 'dlq.source.offset',
  failedAt: 'dlq.failed.at',
} as const;

export function toDeadLetterMessage(d: DeadLetter, now = new Date()): Message {
  const headers: IHeaders = {
    ...d.message.headers,
    [DLQ_HEADERS.reason]: d.reason.slice(0, 2000),
    [DLQ_HEADERS.topic]: d.topic,
    [DLQ_HEADERS.partition]: String(d.partition),
    [DLQ_HEADERS.offset]: d.message.offset,
    [DLQ_HEADERS.failedAt]: now.toISOString(),
  };
  return { key: d.message.key, value: d.message.value, headers, timestamp: d.message.timestamp };
}

export interface DeadLetterView {
  key?: string;
  value?: string;
  reason?: string;
  source: string;
}

/** Reads a dead-letter record back, for the CLI and the tests. */
export function readDeadLetter(m: KafkaMessage): DeadLetterView {
  const h = (name: string) => m.headers?.[name]?.toString();
  return {
    key: m.key?.toString(),
    value: m.value?.toString(),
    reason: h(DLQ_HEADERS.reason),
    source: `${h(DLQ_HEADERS.topic)}/${h(DLQ_HEADERS.partition)}@${h(DLQ_HEADERS.offset)}`,
  };
}
