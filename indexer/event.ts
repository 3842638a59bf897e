// The product change event: its type, and parsing a raw Kafka message into one or a reason why not.
import { Ajv, type ErrorObject } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import type { Product } from '../catalog/product.ts';
import eventSchema from './schema/product-event.schema.json' with { type: 'json' };

export type PatchFields = { [K in Exclude<keyof Product, 'id'>]?: Product[K] | null };

interface EventBase {
  id: string;
  version: number;
  ts?: string;
  priority?: 'high' | 'normal';
}

export type ProductEvent =
  | (EventBase & { op: 'upsert'; product: Product })
  | (EventBase & { op: 'patch'; fields: PatchFields })
  | (EventBase & { op: 'delete' });

// ajv-formats is CommonJS with `exports.default`; under NodeNext ESM the plugin sits on `.default`.
const addFormats = ajvFormats.default as unknown as (a: Ajv) => Ajv;
// strictRequired is off: the if/then rules name properties defined at the top level, not in the subschema.
const ajv = new Ajv({
  allErrors: false,
  strict: true,
  strictRequired: false,
  strictNumbers: true,
  allowUnionTypes: true,
});
addFormats(ajv);
// Lengths in JSON Schema count characters; Elasticsearch limits ids in UTF-8 bytes (512), so an id
// of 256 emoji would pass maxLength and then fail the whole bulk request it is in.
ajv.addKeyword({
  keyword: 'maxBytes',
  type: 'string',
  schemaType: 'number',
  error: { message: ({ schema }) => `must not be longer than ${String(schema)} bytes in UTF-8` },
  validate: (max: number, data: string) => Buffer.byteLength(data, 'utf8') <= max,
});
const validate = ajv.compile<ProductEvent>(eventSchema);

export type ParseResult = { ok: true; event: ProductEvent } | { ok: false; reason: string };

const describe = (e: ErrorObject): string =>
  `${e.instancePath || '(event)'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`;

/** Validates an already-parsed event. */
export function validateEvent(json: unknown): ParseResult {
  if (!validate(json)) return { ok: false, reason: `schema violation: ${describe(validate.errors![0]!)}` };
  if (json.op === 'upsert' && json.product.id !== json.id)
    return { ok: false, reason: `product.id "${json.product.id}" differs from event id "${json.id}"` };
  return { ok: true, event: json };
}

/** Parses and validates one message value; never throws. `key` must match the event id when present. */
export function parseEvent(value: Buffer | null, key: Buffer | null, maxBytes: number): ParseResult {
  if (value === null) return { ok: false, reason: 'empty message (tombstone); deletes must be explicit delete events' };
  if (value.length > maxBytes)
    return { ok: false, reason: `event of ${value.length} bytes exceeds the limit of ${maxBytes}` };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `invalid JSON: ${(e as Error).message}` };
  }
  const result = validateEvent(json);
  if (result.ok && key !== null && key.toString('utf8') !== result.event.id)
    return { ok: false, reason: `message key "${key.toString('utf8')}" differs from event id "${result.event.id}"` };
  return result;
}
