// Reads interaction events (view, add-to-cart, purchase) from a Kafka topic, up to its current
// end, for training. Events that do not parse are counted and skipped: training reads, it does not
// consume, so nothing is lost and the topic stays the record.
import type { Kafka } from '../../common/clients/kafka.ts';
import { consumeToEnd } from '../../common/clients/kafka-range.ts';
import type { Interaction, InteractionKind } from './interaction.ts';

const KINDS = new Set<InteractionKind>(['view', 'cart', 'purchase']);

/** `{"type":"purchase","user":"c1","session":"o-9","item":"sku-1","time":"2011-05-01T10:00:00Z"}`; user is optional. */
export function parseInteractionEvent(value: Buffer | string | null): Interaction | { error: string } {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(String(value ?? '')) as Record<string, unknown>;
  } catch {
    return { error: 'not JSON' };
  }
  if (typeof e !== 'object' || e === null) return { error: 'not an object' };
  if (!KINDS.has(e.type as InteractionKind)) return { error: 'type must be view, cart or purchase' };
  if (typeof e.item !== 'string' || e.item === '') return { error: 'item must be a non-empty string' };
  if (typeof e.session !== 'string' || e.session === '') return { error: 'session must be a non-empty string' };
  if (e.user !== undefined && (typeof e.user !== 'string' || e.user === ''))
    return { error: 'user must be a non-empty string when present' };
  const time = typeof e.time === 'string' ? Date.parse(e.time) : NaN;
  if (Number.isNaN(time)) return { error: 'time must be an ISO 8601 date-time' };
  return {
    user: e.user as string | undefined,
    session: e.session,
    item: e.item,
    kind: e.type as InteractionKind,
    time,
  };
}

export async function readInteractionTopic(
  kafka: Kafka,
  topic: string,
): Promise<{ interactions: Interaction[]; rejected: number }> {
  const interactions: Interaction[] = [];
  let rejected = 0;
  await consumeToEnd(kafka, {
    topics: [topic],
    since: 'earliest',
    groupPrefix: 'shopsearch-recommender',
    onMessages: async (messages) => {
      for (const m of messages) {
        const x = parseInteractionEvent(m.value);
        if ('error' in x) rejected++;
        else interactions.push(x);
      }
    },
  });
  return { interactions, rejected };
}
