// What shoppers do, as the shop reports it: the event format of `POST /events` and of the `events`
// topic (server-side producers may write the same JSON there directly, keyed by session). One JSON
// Schema validates both, so a bad field is refused at the door and a bad message on the topic is
// dead-lettered with the same reason.
import { Ajv, type ErrorObject } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import type { FromSchema } from 'json-schema-to-ts';

const id = (max: number) => ({ type: 'string', pattern: `^[A-Za-z0-9_.:@-]{1,${max}}$` }) as const;
const product = id(128);
const queryId = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const;

const base = {
  /** Unique per event: an event sent twice is counted once. */
  event_id: id(64),
  /** When it happened (ISO 8601); the time it arrived when absent. */
  time: { type: 'string', format: 'date-time', maxLength: 40 },
  /** The browsing session: what groups a shopper's events (and carts into baskets). */
  session: id(128),
  /** The customer: a signed customer token, or their id where ids are trusted. */
  customer: { type: 'string', minLength: 1, maxLength: 512 },
} as const;

const kind = <const T extends string, const P extends Record<string, unknown>, const R extends readonly string[]>(
  type: T,
  properties: P,
  required: R,
) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['type', 'event_id', 'session', ...required],
    properties: { type: { const: type }, ...base, ...properties },
  }) as const;

const item = {
  type: 'object',
  additionalProperties: false,
  required: ['product', 'price', 'quantity'],
  properties: {
    product,
    price: { type: 'number', minimum: 0, maximum: 1e9 },
    quantity: { type: 'integer', minimum: 1, maximum: 100000 },
  },
} as const;

export const shopperEventSchema = {
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    /** A result chosen from a search, category page or rail answer (`query_id`), at its position (1-based) when known. */
    kind('click', { query_id: queryId, product, position: { type: 'integer', minimum: 1, maximum: 10000 } }, [
      'query_id',
      'product',
    ] as const),
    /** A query suggestion chosen from a /suggest answer. */
    kind('suggestion_click', { query_id: queryId, text: { type: 'string', minLength: 1, maxLength: 200 } }, [
      'query_id',
      'text',
    ] as const),
    kind('view', { product, query_id: queryId }, ['product'] as const),
    kind(
      'add_to_cart',
      {
        product,
        query_id: queryId,
        quantity: { type: 'integer', minimum: 1, maximum: 100000 },
        price: { type: 'number', minimum: 0, maximum: 1e9 },
      },
      ['product'] as const,
    ),
    kind(
      'purchase',
      {
        order_id: id(128),
        items: { type: 'array', minItems: 1, maxItems: 200, items: item },
        currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      },
      ['order_id', 'items'] as const,
    ),
  ],
} as const;

export type ShopperEvent = FromSchema<typeof shopperEventSchema>;
export type ShopperEventType = ShopperEvent['type'];

/** The body of `POST /events`. */
export const eventBatchSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['events'],
  properties: { events: { type: 'array', minItems: 1, maxItems: 100, items: shopperEventSchema } },
} as const;

/** An event as it travels on the topic: the shopper's event, when it arrived, the verified customer. */
export type RecordedEvent = ShopperEvent & { received_at: string };

// ajv-formats is CommonJS with `exports.default`; under NodeNext ESM the plugin sits on `.default`.
const addFormats = ajvFormats.default as unknown as (a: Ajv) => Ajv;
const ajv = new Ajv({
  allErrors: false,
  strict: true,
  strictRequired: false,
  discriminator: true,
  strictNumbers: true,
});
addFormats(ajv);
const validate = ajv.compile<ShopperEvent>(shopperEventSchema);

const describe = (e: ErrorObject): string =>
  `${e.instancePath || '(event)'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`;

export type ParsedEvent = { ok: true; event: RecordedEvent } | { ok: false; reason: string };

/** How far in the future an event's own time may be (clocks drift); later ones are refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Checks an event's time against the clock; undefined when it is acceptable. */
export function timeProblem(time: string | undefined, now: number): string | undefined {
  if (time === undefined) return undefined;
  const t = Date.parse(time);
  if (!Number.isFinite(t)) return 'time is not a date-time';
  if (t > now + MAX_CLOCK_SKEW_MS) return 'time is in the future';
  return undefined;
}

/** Parses and validates one message of the events topic; never throws. */
export function parseRecordedEvent(value: Buffer | null): ParsedEvent {
  if (value === null) return { ok: false, reason: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `invalid JSON: ${(e as Error).message}` };
  }
  if (typeof json !== 'object' || json === null) return { ok: false, reason: 'not a JSON object' };
  const { received_at, ...event } = json as Record<string, unknown>;
  const arrived = typeof received_at === 'string' ? Date.parse(received_at) : Number.NaN;
  if (!Number.isFinite(arrived)) return { ok: false, reason: 'received_at must be a date-time' };
  if (!validate(event)) return { ok: false, reason: `schema violation: ${describe(validate.errors![0]!)}` };
  const late = timeProblem(event.time, arrived);
  if (late) return { ok: false, reason: late };
  return { ok: true, event: { ...event, received_at: received_at as string } };
}

/** When an event happened: its own time, else when it arrived. */
export const eventTime = (e: RecordedEvent): number => Date.parse(e.time ?? e.received_at);
