// The admin API's analytics and experiments: time ranges, reports, experiment bodies.
// Answers are serialized loosely (engines type them); the schemas document them.
import { experimentSchema } from '../../../ranking/experiments/experiment.ts';

const dateTime = { type: 'string', maxLength: 40, description: 'ISO 8601 date-time' } as const;

/** A time range: `from` (default: 7 days before `to`) to `to` (default: now). */
export const rangeQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: dateTime,
    to: dateTime,
    interval: {
      type: 'string',
      enum: ['hour', 'day'],
      description: 'Bucket size (default: hour up to 2 days, else day)',
    },
  },
} as const;

export const queriesQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: dateTime,
    to: dateTime,
    report: {
      type: 'string',
      enum: ['top', 'zero', 'no_click'],
      description: 'top searches, searches with no results, or searches with results but no click',
    },
    size: { type: 'integer', minimum: 1, maximum: 100 },
  },
} as const;

export const categoriesQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: { from: dateTime, to: dateTime, size: { type: 'integer', minimum: 1, maximum: 100 } },
} as const;

export const looseObject = { type: 'object', additionalProperties: true } as const;

export const experimentBody = experimentSchema;

export const experimentIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
  required: ['id'],
} as const;

export const experimentListResponse = {
  type: 'object',
  properties: { experiments: { type: 'array', items: looseObject } },
} as const;
