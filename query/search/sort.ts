// Sort orders, each ending in the product id so every position is unique: that makes pages stable
// and lets a cursor (search_after) continue exactly where the previous page ended.
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

export const encodeCursor = (after: estypes.FieldValue[], list: string): string =>
  Buffer.from(JSON.stringify({ after, list } satisfies CursorPayload)).toString('base64url');

/** The search_after values of a cursor, which must belong to the same result list. */
export function decodeCursor(cursor: string, list: string): estypes.FieldValue[] {
  let payload: CursorPayload;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPayload;
  } catch {
    throw new BadRequestError('cursor is not one this service issued', 'cursor');
  }
  const valid =
    payload &&
    Array.isArray(payload.after) &&
    payload.after.length <= 4 &&
    payload.after.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
  if (!valid) throw new BadRequestError('cursor is not one this service issued', 'cursor');
  if (payload.list !== list)
    throw new BadRequestError('cursor belongs to another query, filter or sort; start again from page 1', 'cursor');
  return payload.after;
}
