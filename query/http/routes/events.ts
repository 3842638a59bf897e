// POST /events: what shoppers did (clicks on answers, suggestion clicks, views, carts, purchases),
// accepted once Kafka holds it (202), refused with 503 + Retry-After when it cannot; the learner
// folds it into what the service serves.
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../../../common/errors.ts';
import type { EventPublisher } from '../../../events/publisher.ts';
import { type RecordedEvent, timeProblem } from '../../../events/shopper-event.ts';
import { errorResponses } from '../schemas/common.ts';
import { eventsAccepted, eventsBody } from '../schemas/events.ts';
import type { SchemaTypes } from '../schema-types.ts';

export interface EventRouteDeps {
  publisher: EventPublisher;
  /** The verified customer id for what the event says; throws BadRequestError naming the field. */
  customerOf: (given: string, field: string) => string;
  now?: () => number;
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
    async (req, reply) => {
      const at = now();
      const received_at = new Date(at).toISOString();
      const seen = new Set<string>();
      const events: RecordedEvent[] = [];
      req.body.events.forEach((e, i) => {
        const late = timeProblem(e.time, at);
        if (late) throw new BadRequestError(`events.${i}.time: ${late}`, `events.${i}.time`);
        if (seen.has(e.event_id)) return;
        seen.add(e.event_id);
        const customer = e.customer === undefined ? undefined : deps.customerOf(e.customer, `events.${i}.customer`);
        events.push({ ...e, ...(customer ? { customer } : {}), received_at });
      });
      await deps.publisher.publish(events);
      return reply.status(202).send({ accepted: events.length, duplicates: req.body.events.length - events.length });
    },
  );
}
