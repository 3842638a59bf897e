// Sort orders, each ending in the product id so every position is unique: that makes pages stable
// and lets a cursor (search_after) continue exactly where the previous page ended.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { estypes } from '@elastic/elasticsearch';
import { BadRequestError } from '../../common/errors.ts';
import type { SortOption } from './params.ts';
import { FIELDS, sortOn } from '../../mappings/clauses.ts';

const tiebreak: estypes.SortCombinations = { [FIELDS.id]: { order: 'asc' } };

export function sortFor(sort: SortOption, hasText: boolean): estypes.SortCombinations[] {
  switch (sort) {
    case 'relevance':
      return hasText ? ['_score', tiebreak] : [sortOn(FIELDS.popularity, 'desc'), tiebreak];
    case 'price_asc':
      return [sortOn(FIELDS.price, 'asc'), tiebreak];
    case 'price_desc':
      return [sortOn(FIELDS.price, 'desc'), tiebreak];
    case 'rating':
      return [sortOn(FIELDS.rating, 'desc'), sortOn(FIELDS.ratingCount, 'desc'), tiebreak];
    case 'newest':
      return [sortOn(FIELDS.createdAt, 'desc'), tiebreak];
    case 'popularity':
      return [sortOn(FIELDS.popularity, 'desc'), tiebreak];
  }
}

interface CursorPayload {
  after: estypes.FieldValue[];
  list: string;
}

const NOT_ISSUED = 'cursor is not one this service issued';
const mac = (key: string, body: string): Buffer => createHmac('sha256', key).update(body).digest().subarray(0, 16);

/**
 * A cursor: where the page ended and which list it belongs to, signed with the service's key, so
 * a forged or mangled cursor is refused before Elasticsearch sees its values.
 */
export function encodeCursor(after: estypes.FieldValue[], list: string, key: string): string {
  const body = Buffer.from(JSON.stringify({ after, list } satisfies CursorPayload)).toString('base64url');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/** The search_after values of a cursor this service signed for the same result list. */
export function decodeCursor(cursor: string, list: string, key: string): estypes.FieldValue[] {
  const dot = cursor.lastIndexOf('.');
  const body = cursor.slice(0, dot);
  const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
  if (dot < 0 || given.length !== 16 || !timingSafeEqual(given, mac(key, body)))
    throw new BadRequestError(NOT_ISSUED, 'cursor');
  let payload: CursorPayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorPayload;
  } catch {
    throw new BadRequestError(NOT_ISSUED, 'cursor');
  }
  const valid =
    payload &&
    Array.isArray(payload.after) &&
    payload.after.length <= 4 &&
    payload.after.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
  if (!valid) throw new BadRequestError(NOT_ISSUED, 'cursor');
  if (payload.list !== list)
    throw new BadRequestError('cursor belongs to another query, filter or sort; start again from page 1', 'cursor');
  return payload.after;
}
