// Reads interaction events (view, add-to-cart, purchase) from Kafka topics, up to their current
// end, for training, as a stream: the interaction events of an import, and the shoppers' events
// that POST /events records (what a scheduled retrain learns from). Events that do not parse are counted and skipped: training reads, it does not
// consume, so nothing is lost and the topic stays the record.
import type { Kafka } from '../../common/clients/kafka.ts';
import { consumeToEnd } from '../../common/clients/kafka-range.ts';
import { eventTime, parseRecordedEvent, type RecordedEvent } from '../../events/shopper-event.ts';
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

/** An interaction as the event `parseInteractionEvent` reads. */
export const interactionEventJson = (x: Interaction): string =>
  JSON.stringify({
    type: x.kind,
    user: x.user,
    session: x.session,
    item: x.item,
    time: new Date(x.time).toISOString(),
  });

/**
 * The interactions one message holds: an interaction event, or a shopper event as POST /events
 * records it (a view or a click on a product is a view, a cart add a cart, an order a purchase of
 * each of its items, the order its basket; a suggestion click none).
 */
export function interactionsOfMessage(value: Buffer | string | null): Interaction[] | { error: string } {
  const text = String(value ?? '');
  if (!text.includes('"received_at"')) {
    const x = parseInteractionEvent(text);
    return 'error' in x ? x : [x];
  }
  const parsed = parseRecordedEvent(Buffer.from(text));
  return parsed.ok ? interactionsOfShopperEvent(parsed.event) : { error: parsed.reason };
}

function interactionsOfShopperEvent(e: RecordedEvent): Interaction[] {
  const time = eventTime(e);
  const user = e.customer;
  switch (e.type) {
    case 'view':
    case 'click':
      return [{ user, session: e.session, item: e.product, kind: 'view', time }];
    case 'add_to_cart':
      return [{ user, session: e.session, item: e.product, kind: 'cart', time }];
    case 'purchase':
      return e.items.map((i) => ({ user, session: `order:${e.order_id}`, item: i.product, kind: 'purchase', time }));
    default:
      return [];
  }
}

/**
 * The topics' events up to their current end, one at a time: each fetched batch is handed over and the
 * consumer waits until it is taken, so a topic larger than memory streams through. `counts.rejected`
 * counts the malformed events skipped.
 */
export async function* interactionEvents(
  kafka: Kafka,
  topics: readonly string[],
  counts: { rejected: number } = { rejected: 0 },
): AsyncGenerator<Interaction> {
  let handoff: { batch: Interaction[]; taken: () => void } | undefined;
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: unknown;
  const consuming = consumeToEnd(kafka, {
    topics: [...topics],
    since: 'earliest',
    groupPrefix: 'shopsearch-recommender',
    onMessages: async (messages) => {
      const batch: Interaction[] = [];
      for (const m of messages) {
        const x = interactionsOfMessage(m.value);
        if ('error' in x) counts.rejected++;
        else batch.push(...x);
      }
      await new Promise<void>((taken) => {
        handoff = { batch, taken };
        wake?.();
      });
    },
  }).then(
    () => void (finished = true),
    (e: unknown) => void ((failure = e), (finished = true)),
  );
  void consuming.then(() => wake?.());
  for (;;) {
    if (handoff) {
      const { batch, taken } = handoff;
      handoff = undefined;
      try {
        yield* batch;
      } finally {
        taken();
      }
      continue;
    }
    if (finished) break;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
  await consuming;
  if (failure) throw failure;
}

export async function readInteractionTopic(
  kafka: Kafka,
  topic: string,
): Promise<{ interactions: Interaction[]; rejected: number }> {
  const counts = { rejected: 0 };
  const interactions: Interaction[] = [];
  for await (const x of interactionEvents(kafka, [topic], counts)) interactions.push(x);
  return { interactions, rejected: counts.rejected };
}
