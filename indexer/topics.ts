// Names of the event topics, and creating them with the configured partitions.
import { createTopicsIfMissing, type Kafka } from '../common/clients/kafka.ts';

export interface EventTopics {
  normal: string;
  priority: string;
  deadLetter: string;
}

export const eventTopicsOf = (topic: string): EventTopics => ({
  normal: topic,
  priority: `${topic}.priority`,
  deadLetter: `${topic}.dlq`,
});

export const ensureTopics = (kafka: Kafka, topics: EventTopics, partitions: number): Promise<void> =>
  createTopicsIfMissing(kafka, Object.values(topics), partitions);
