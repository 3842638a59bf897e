// Applying change events to a product's stored state, so that the result does not depend on the
// order or number of times events are delivered.
//
// Each catalog field is a last-writer-wins register keyed by event version: an upsert writes every
// field, a patch writes its fields, a delete clears every field. A field only takes a value from an
// event newer than the one that last wrote it. That makes applying events commutative, associative
// and idempotent: any shuffle or replay of a product's history ends in the state of applying it in
// version order. (Whole-document versioning cannot do this: a newer price patch delivered before an
// older full upsert would either be lost or block the upsert.)
import type { Product } from '../catalog/product.ts';
import type { ProductEvent } from './event.ts';

export const PRODUCT_FIELDS = [
  'title',
  'description',
  'brand',
  'categories',
  'price',
  'list_price',
  'currency',
  'rating',
  'rating_count',
  'in_stock',
  'attributes',
  'related',
  'popularity',
  'created_at',
] as const satisfies readonly Exclude<keyof Product, 'id'>[];

export type ProductField = (typeof PRODUCT_FIELDS)[number];

export interface ProductState {
  id: string;
  fields: Partial<Omit<Product, 'id'>>;
  /** Version of the event that last wrote each field. */
  fieldVersions: Partial<Record<ProductField, number>>;
  /** Newest version applied, of any kind. */
  version: number;
  upsertVersion?: number;
  deletedVersion?: number;
}

/** Visible to shoppers: a full product exists that is newer than the last delete. */
export function isLive(s: ProductState): boolean {
  return (
    s.upsertVersion !== undefined && s.upsertVersion > (s.deletedVersion ?? -1) && typeof s.fields.title === 'string'
  );
}

export const emptyState = (id: string): ProductState => ({ id, fields: {}, fieldVersions: {}, version: -1 });

function writeField(s: ProductState, f: ProductField, value: unknown, version: number): boolean {
  if ((s.fieldVersions[f] ?? -1) >= version) return false;
  s.fieldVersions[f] = version;
  if (value === undefined || value === null) delete s.fields[f];
  else (s.fields as Record<string, unknown>)[f] = value;
  return true;
}

/**
 * Applies one event to a copy of `state`. Returns the new state, or undefined when the event
 * changes nothing (a duplicate, or older than everything it touches).
 */
export function applyEvent(state: ProductState | undefined, e: ProductEvent): ProductState | undefined {
  const prev = state ?? emptyState(e.id);
  const s: ProductState = { ...prev, fields: { ...prev.fields }, fieldVersions: { ...prev.fieldVersions } };
  let changed = false;
  switch (e.op) {
    case 'upsert':
      if ((s.upsertVersion ?? -1) < e.version) {
        s.upsertVersion = e.version;
        changed = true;
      }
      for (const f of PRODUCT_FIELDS) changed = writeField(s, f, e.product[f], e.version) || changed;
      break;
    case 'patch':
      for (const [f, value] of Object.entries(e.fields))
        changed = writeField(s, f as ProductField, value, e.version) || changed;
      break;
    case 'delete':
      if ((s.deletedVersion ?? -1) < e.version) {
        s.deletedVersion = e.version;
        changed = true;
      }
      for (const f of PRODUCT_FIELDS) changed = writeField(s, f, undefined, e.version) || changed;
      break;
  }
  if (!changed) return undefined;
  s.version = Math.max(s.version, e.version);
  return s;
}

/** Applies several events of one product; undefined when none changed anything. */
export function applyEvents(
  state: ProductState | undefined,
  events: readonly ProductEvent[],
): ProductState | undefined {
  let current = state;
  let changed = false;
  for (const e of events) {
    const next = applyEvent(current, e);
    if (next) {
      current = next;
      changed = true;
    }
  }
  return changed ? current : undefined;
}
