// Re-applies the events of some topics, from a point in time up to their current end, to one
// index. Used by the rebuild to catch up with events applied to the old version only.
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Kafka } from '../common/clients/kafka.ts';
import { consumeToEnd } from '../common/clients/kafka-range.ts';
import { parseEvent } from './event.ts';
import { retryTransient, type Backoff } from './retry.ts';
import { writeEventsSplitting } from './writer.ts';

export interface ReplayOptions {
  kafka: Kafka;
  es: EsClient;
  topics: string[];
  since: number | 'earliest';
  maxEventBytes: number;
  backoff: Backoff;
  groupPrefix: string;
}

/** Replays into `index`; resolves with the number of events read. */
export function replayInto(index: string, o: ReplayOptions): Promise<number> {
  return consumeToEnd(o.kafka, {
    topics: o.topics,
    since: o.since,
    groupPrefix: o.groupPrefix,
    onMessages: async (messages, heartbeat) => {
      const events = messages.flatMap((m) => {
        const r = parseEvent(m.value, m.key, o.maxEventBytes);
        return r.ok ? [r.event] : []; // invalid events were dead-lettered by the indexer already
      });
      // Events Elasticsearch refuses were dead-lettered by the indexer when it met them; skipped here.
      await retryTransient(() => writeEventsSplitting(o.es, index, events), o.backoff, { onRetry: () => heartbeat() });
    },
  });
}
