// How far a consumer group has got in a topic, and where the topic ends: summed over partitions,
// for waiting until a group has caught up (benchmarks, tests).
import type { Kafka } from './kafka.ts';

async function withAdmin<T>(kafka: Kafka, use: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Messages of `topic` the group has committed, over all partitions. */
export const committedCount = (kafka: Kafka, groupId: string, topic: string): Promise<number> =>
  withAdmin(kafka, async (admin) => {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (t?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  });

/** Messages ever written to `topic`, over all partitions (the end offsets). */
export const endOffsetCount = (kafka: Kafka, topic: string): Promise<number> =>
  withAdmin(kafka, async (admin) => (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0));
