// Where the indexer stands: per lane and partition, committed offset and lag; the dead-letter
// topic's size; the index versions it writes to.
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Kafka } from '../common/clients/kafka.ts';
import { liveIndex, writeTargets } from '../mappings/lifecycle.ts';
import type { EventTopics } from './topics.ts';

export interface PartitionStatus {
  group: string;
  topic: string;
  partition: number;
  committed: number;
  end: number;
  lag: number;
}

export interface IndexerStatus {
  partitions: PartitionStatus[];
  totalLag: number;
  deadLettered: number;
  liveIndex?: string;
  liveDocs: number;
  writeTargets: string[];
}

export async function indexerStatus(
  kafka: Kafka,
  es: EsClient,
  alias: string,
  topics: EventTopics,
  groupId: string,
): Promise<IndexerStatus> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const partitions: PartitionStatus[] = [];
    for (const [group, topic] of [
      [`${groupId}.priority`, topics.priority],
      [groupId, topics.normal],
    ] as const) {
      if (!existing.has(topic)) continue;
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      for (const end of ends) {
        const c = Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
        const from = c >= 0 ? c : Number(end.low);
        partitions.push({
          group,
          topic,
          partition: end.partition,
          committed: c,
          end: Number(end.high),
          lag: Number(end.high) - from,
        });
      }
    }
    let deadLettered = 0;
    if (existing.has(topics.deadLetter))
      for (const p of await admin.fetchTopicOffsets(topics.deadLetter)) deadLettered += Number(p.high) - Number(p.low);
    const live = await liveIndex(es, alias);
    return {
      partitions,
      totalLag: partitions.reduce((n, p) => n + p.lag, 0),
      deadLettered,
      liveIndex: live,
      liveDocs: live ? (await es.count({ index: alias })).count : 0,
      writeTargets: await writeTargets(es, alias),
    };
  } finally {
    await admin.disconnect();
  }
}
