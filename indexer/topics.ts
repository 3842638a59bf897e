// Names of the event topics, and creating them with the configured partitions.
import type { Kafka } from '../common/clients/kafka.ts';

export interface EventTopics {
  normal: string;
  priority: string;
  deadLetter: string;
}

export const eventTopicsOf = (topic: string): EventTopics => ({ normal: topic, priority: `${topic}.priority`, deadLetter: `${topic}.dlq` });

/** Creates the missing topics; existing ones are left as they are. */
export async function ensureTopics(kafka: Kafka, topics: EventTopics, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.values(topics).filter((t) => !existing.has(t));
    if (missing.length > 0) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
