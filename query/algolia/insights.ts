// Algolia's Insights events (what search-insights sends to POST /1/events) as this service's shopper
// events, so clicks from an InstantSearch page feed the same learning loop as POST /events: a click
// on results becomes one `click` per object with its query id and position, a view one `view` per
// object, an add-to-cart conversion one `add_to_cart` per object, a purchase one `purchase`. Events
// the loop has no meaning for (clicks without a query id, filter-based events, conversions of no
// subtype) are counted as ignored rather than guessed at.
import { createHash, randomUUID } from 'node:crypto';
import type { FromSchema } from 'json-schema-to-ts';
import type { ShopperEvent } from '../../events/shopper-event.ts';
import { sessionId } from '../search/params.ts';
import { BadRequestError } from '../../common/errors.ts';

const objectIds = {
  type: 'array',
  minItems: 1,
  maxItems: 20,
  items: { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,128}$' },
} as const;

export const insightsEventSchema = {
  type: 'object',
  required: ['eventType'],
  properties: {
    // Other types (InstantSearch's own telemetry, "instantsearch") are accepted and ignored.
    eventType: { type: 'string', maxLength: 40 },
    eventSubtype: { enum: ['addToCart', 'purchase'] },
    eventName: { type: 'string', minLength: 1, maxLength: 64 },
    index: { type: 'string', maxLength: 200 },
    userToken: sessionId,
    authenticatedUserToken: { type: 'string', minLength: 1, maxLength: 512 },
    timestamp: { type: 'integer', minimum: 0 },
    queryID: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    objectIDs: objectIds,
    positions: { type: 'array', maxItems: 20, items: { type: 'integer', minimum: 1, maximum: 10000 } },
    filters: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 200 } },
    objectData: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        properties: {
          queryID: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
          price: {
            anyOf: [
              { type: 'number', minimum: 0, maximum: 1e9 },
              { type: 'string', maxLength: 20 },
            ],
          },
          quantity: { type: 'integer', minimum: 1, maximum: 100000 },
        },
      },
    },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
} as const;

export const insightsBody = {
  type: 'object',
  required: ['events'],
  properties: { events: { type: 'array', minItems: 1, maxItems: 100, items: insightsEventSchema } },
} as const;

export type InsightsEvent = FromSchema<typeof insightsEventSchema>;

/** A repeated event (same fields, same time) gets the same id, so the events path counts it once. */
const eventId = (e: InsightsEvent, part: string): string =>
  e.timestamp === undefined
    ? randomUUID()
    : createHash('sha256')
        .update(JSON.stringify([e, part]))
        .digest('base64url')
        .slice(0, 32);

const priceOf = (v: number | string | undefined): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** The shopper events one Insights event stands for (none: ignored); `field` names it in errors. */
export function shopperEvents(e: InsightsEvent, field = 'events.0'): ShopperEvent[] {
  if (!['click', 'conversion', 'view'].includes(e.eventType)) return [];
  if (e.userToken === undefined) throw new BadRequestError(`${field}.userToken is required`, `${field}.userToken`);
  const ids = e.objectIDs ?? [];
  const common = {
    session: e.userToken,
    ...(e.authenticatedUserToken ? { customer: e.authenticatedUserToken } : {}),
    ...(e.timestamp !== undefined ? { time: new Date(e.timestamp).toISOString() } : {}),
  };
  const data = (i: number) => e.objectData?.[i];
  switch (e.eventType) {
    case 'click':
      if (!e.queryID) return [];
      return ids.map((product, i) => ({
        type: 'click',
        event_id: eventId(e, product),
        ...common,
        query_id: e.queryID!,
        product,
        ...(e.positions?.[i] !== undefined ? { position: e.positions[i] } : {}),
      }));
    case 'view':
      return ids.map((product) => ({
        type: 'view',
        event_id: eventId(e, product),
        ...common,
        product,
        ...(e.queryID ? { query_id: e.queryID } : {}),
      }));
    default: {
      if (e.eventSubtype === 'addToCart')
        return ids.map((product, i) => {
          const queryId = data(i)?.queryID ?? e.queryID;
          const price = priceOf(data(i)?.price);
          return {
            type: 'add_to_cart',
            event_id: eventId(e, product),
            ...common,
            product,
            ...(queryId ? { query_id: queryId } : {}),
            ...(data(i)?.quantity ? { quantity: data(i)!.quantity! } : {}),
            ...(price !== undefined ? { price } : {}),
          };
        });
      if (e.eventSubtype !== 'purchase' || ids.length === 0) return [];
      const items = ids.map((product, i) => ({
        product,
        price: priceOf(data(i)?.price),
        quantity: data(i)?.quantity ?? 1,
      }));
      // A purchase is worth learning from only with what each item cost.
      if (items.some((x) => x.price === undefined)) return [];
      const id = eventId(e, 'purchase');
      return [
        {
          type: 'purchase',
          event_id: id,
          ...common,
          order_id: `insights-${id}`,
          items: items.map((x) => ({ product: x.product, price: x.price!, quantity: x.quantity })),
          ...(e.currency ? { currency: e.currency } : {}),
        },
      ];
    }
  }
}
