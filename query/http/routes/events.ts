// POST /events: what shoppers did (clicks on answers, suggestion clicks, views, carts, purchases),
// accepted once Kafka holds it (202), refused with 503 + Retry-After when it cannot; the learner
// folds it into what the service serves.
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../../../common/errors.ts';
import type { EventPublisher } from '../../../events/publisher.ts';
import { type RecordedEvent, type ShopperEvent, timeProblem } from '../../../events/shopper-event.ts';
import { errorResponses } from '../schemas/common.ts';
import { eventsAccepted, eventsBody } from '../schemas/events.ts';
import type { SchemaTypes } from '../schema-types.ts';

export interface EventRouteDeps {
  publisher: EventPublisher;
  /** The verified customer id for what the event says; throws BadRequestError naming the field. */
  customerOf: (given: string, field: string) => string;
  now?: () => number;
}

/**
 * Checks a batch (times, customers; a repeated event_id counts once) and hands it to the event
 * log; errors name `${field}.<i>.<property>`. Shared by POST /events and the Insights protocol.
 */
export async function acceptEvents(
  deps: EventRouteDeps,
  given: readonly ShopperEvent[],
  field: string,
  at: number,
): Promise<{ accepted: number; duplicates: number }> {
  const received_at = new Date(at).toISOString();
  const seen = new Set<string>();
  const events: RecordedEvent[] = [];
  given.forEach((e, i) => {
    const late = timeProblem(e.time, at);
    if (late) throw new BadRequestError(`${field}.${i}.time: ${late}`, `${field}.${i}.time`);
    if (seen.has(e.event_id)) return;
    seen.add(e.event_id);
    const customer = e.customer === undefined ? undefined : deps.customerOf(e.customer, `${field}.${i}.customer`);
    events.push({ ...e, ...(customer ? { customer } : {}), received_at });
  });
  await deps.publisher.publish(events);
  return { accepted: events.length, duplicates: given.length - events.length };
}

export async function eventRoutes(fastify: FastifyInstance, deps: EventRouteDeps) {
  const app = fastify.withTypeProvider<SchemaTypes>();
  const now = deps.now ?? Date.now;
  app.post(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Report what shoppers did: clicks, suggestion clicks, views, carts, purchases (at most 100 a batch)',
        body: eventsBody,
        response: { 202: eventsAccepted, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(202).send(await acceptEvents(deps, req.body.events, 'events', now())),
  );
}
