// A dead-lettered event keeps its original key, value and headers; the reason and where it came
// from travel as headers, so the record can be inspected and re-published as it was. A record
// always fits the dead-letter topic: a value (or key) too large is cut, with its full size and
// SHA-256 in headers, so an oversized event is still accounted for without breaking the send.
import { createHash } from 'node:crypto';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { chunksOf } from '../common/chunks.ts';

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
  /** Set when the value was cut: its full size in bytes, and the SHA-256 of the full value. */
  valueBytes: 'dlq.value.bytes',
  valueSha256: 'dlq.value.sha256',
  keyBytes: 'dlq.key.bytes',
  keySha256: 'dlq.key.sha256',
} as const;

/** Keys longer than this are cut (a key is an id; anything longer is garbage worth only its hash). */
const MAX_KEY_BYTES = 1024;
/** Original headers beyond this many bytes are dropped (ours are kept). */
const MAX_HEADER_BYTES = 16 * 1024;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const bytesOf = (v: IHeaders[string]): number =>
  v === undefined ? 0 : Array.isArray(v) ? v.reduce((n, x) => n + Buffer.byteLength(x), 0) : Buffer.byteLength(v);

/** The dead-letter record; `maxValueBytes` bounds the value (cut beyond it, with size and hash). */
export function toDeadLetterMessage(d: DeadLetter, maxValueBytes: number, now = new Date()): Message {
  const original: IHeaders = {};
  let headerBytes = 0;
  for (const [k, v] of Object.entries(d.message.headers ?? {})) {
    headerBytes += Buffer.byteLength(k) + bytesOf(v);
    if (headerBytes <= MAX_HEADER_BYTES) original[k] = v;
  }
  const headers: IHeaders = {
    ...original,
    [DLQ_HEADERS.reason]: d.reason.slice(0, 2000),
    [DLQ_HEADERS.topic]: d.topic,
    [DLQ_HEADERS.partition]: String(d.partition),
    [DLQ_HEADERS.offset]: d.message.offset,
    [DLQ_HEADERS.failedAt]: now.toISOString(),
  };
  let { key, value } = d.message;
  if (key && key.length > MAX_KEY_BYTES) {
    headers[DLQ_HEADERS.keyBytes] = String(key.length);
    headers[DLQ_HEADERS.keySha256] = sha256(key);
    key = key.subarray(0, MAX_KEY_BYTES);
  }
  if (value && value.length > maxValueBytes) {
    headers[DLQ_HEADERS.valueBytes] = String(value.length);
    headers[DLQ_HEADERS.valueSha256] = sha256(value);
    value = value.subarray(0, maxValueBytes);
  }
  return { key, value, headers, timestamp: d.message.timestamp };
}

/** About the bytes a record takes in a produce request. */
export const recordBytes = (m: Message): number =>
  (m.key ? Buffer.byteLength(m.key) : 0) +
  (m.value ? Buffer.byteLength(m.value) : 0) +
  Object.entries(m.headers ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + bytesOf(v), 0) +
  64;

/** Records grouped into sends of at most `maxBytes` each (a record alone may be its own send). */
export const sendChunks = (messages: Message[], maxBytes: number): Message[][] =>
  chunksOf(messages, recordBytes, maxBytes);

export interface DeadLetterView {
  key?: string;
  value?: string;
  reason?: string;
  source: string;
  /** The full size of a value that was cut. */
  valueBytes?: number;
}

/** Reads a dead-letter record back, for the CLI and the tests. */
export function readDeadLetter(m: KafkaMessage): DeadLetterView {
  const h = (name: string) => m.headers?.[name]?.toString();
  const cut = h(DLQ_HEADERS.valueBytes);
  return {
    key: m.key?.toString(),
    value: m.value?.toString(),
    reason: h(DLQ_HEADERS.reason),
    source: `${h(DLQ_HEADERS.topic)}/${h(DLQ_HEADERS.partition)}@${h(DLQ_HEADERS.offset)}`,
    ...(cut ? { valueBytes: Number(cut) } : {}),
  };
}
