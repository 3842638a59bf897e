// The admin API: merchandiser rules, their preview and audit, customers' data.
import { customerId } from '../../search/params.ts';
import { searchResponse } from './search.ts';

export const RULE_ACTIONS = ['pin', 'boost', 'bury', 'hide', 'filter', 'rewrite', 'expand', 'redirect'] as const;

/** A rule in a request body: validated against the rule schema (ranking/rules/rule.ts), added once by the admin routes. */
export const ruleRef = { $ref: 'rule#' } as const;
// Answers are serialized loosely: the stored rule is already valid, and the serializer gains nothing from the action union.
export const ruleOut = { type: 'object', additionalProperties: true } as const;

export const ruleIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
  required: ['id'],
} as const;

export const ruleListQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: 200 },
    enabled: { type: 'boolean' },
    action: { type: 'string', enum: RULE_ACTIONS },
  },
} as const;

export const ruleListResponse = {
  type: 'object',
  properties: { total: { type: 'integer' }, rules: { type: 'array', items: ruleOut } },
} as const;

export const ruleValidationResponse = {
  type: 'object',
  properties: { valid: { type: 'boolean' }, rule: ruleOut },
} as const;

export const previewBody = {
  type: 'object',
  additionalProperties: false,
  required: ['rule'],
  properties: {
    q: { type: 'string', maxLength: 200 },
    category: { type: 'string', maxLength: 600 },
    channel: { type: 'string', maxLength: 50 },
    size: { type: 'integer', minimum: 1, maximum: 100 },
    // Checked in full by validateRule, which names the field (rule.actions.0.factor).
    rule: { type: 'object' },
  },
} as const;

export const previewResponse = {
  type: 'object',
  properties: {
    applies: { type: 'boolean' },
    without: searchResponse,
    with: searchResponse,
    changes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          from: { type: ['integer', 'null'] },
          to: { type: ['integer', 'null'] },
          marks: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;

export const importBody = { type: 'array', maxItems: 5000 } as const;

export const importResponse = { type: 'object', properties: { imported: { type: 'integer' } } } as const;

export const auditQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } },
} as const;

export const auditResponse = {
  type: 'object',
  properties: {
    entries: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          at: { type: 'string' },
          actor: { type: 'string' },
          action: { type: 'string' },
          rule: { type: 'string' },
          before: { type: ['object', 'null'], additionalProperties: true },
          after: { type: ['object', 'null'], additionalProperties: true },
        },
      },
    },
  },
} as const;

export const customerParams = { type: 'object', properties: { id: customerId }, required: ['id'] } as const;
