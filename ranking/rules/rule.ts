// Merchandiser rules are data: conditions saying when a rule applies and actions saying what it
// does. The JSON Schema below is the wire format (the admin API validates against it, so an
// invalid rule is refused with the field named); validate.ts adds the checks a schema cannot make.

/** Products a boost, bury, hide or filter applies to; every given criterion must hold. */
export interface ProductGroup {
  ids?: string[];
  brands?: string[];
  /** A category path; products at it or under it. */
  category?: string;
  attribute?: { name: string; values: string[] };
  price_min?: number;
  price_max?: number;
}

export type QueryMatch = 'equals' | 'contains' | 'phrase';

export interface RuleConditions {
  /** The shopper's query, normalized (case, accents, punctuation, word endings): any value matches. */
  query?: { match: QueryMatch; values: string[] };
  /** The category page (or a search's category filter) is this path, or is under it. */
  category?: { is?: string; under?: string };
  /** Active from `start` (inclusive) to `end` (exclusive): local date-times in `time_zone`. */
  window?: { start?: string; end?: string; time_zone?: string };
  /** The request's channel (e.g. "web", "app") is one of these. */
  channels?: string[];
}

export type RuleAction =
  | { type: 'pin'; id: string; position: number }
  | { type: 'boost'; group: ProductGroup; factor: number }
  | { type: 'bury'; group: ProductGroup; factor: number }
  | { type: 'hide'; group: ProductGroup }
  | { type: 'filter'; group: ProductGroup }
  | { type: 'rewrite'; query: string }
  | { type: 'expand'; synonyms: string[] }
  | { type: 'redirect'; url: string };

export interface Rule {
  id: string;
  name: string;
  description?: string;
  enabled: boolean;
  /** Higher applies first; ties go by id. */
  priority: number;
  conditions: RuleConditions;
  actions: RuleAction[];
  /** Set by the store. */
  updated_at?: string;
  updated_by?: string;
}

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const strings = (maxItems: number, maxLength = 200) =>
  ({ type: 'array', minItems: 1, maxItems, items: text(maxLength) }) as const;

const group = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    ids: strings(500),
    brands: strings(100),
    category: text(500),
    attribute: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'values'],
      properties: { name: text(100), values: strings(100) },
    },
    price_min: { type: 'number', minimum: 0 },
    price_max: { type: 'number', minimum: 0 },
  },
} as const;

const action = (type: string, properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required: ['type', ...Object.keys(properties)],
  properties: { type: { const: type }, ...properties },
});

const ruleActionSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['pin', 'boost', 'bury', 'hide', 'filter', 'rewrite', 'expand', 'redirect'] } },
  // The discriminator makes Ajv report the error inside the chosen action, not "must match oneOf".
  discriminator: { propertyName: 'type' },
  oneOf: [
    action('pin', { id: text(200), position: { type: 'integer', minimum: 1, maximum: 100 } }),
    action('boost', { group, factor: { type: 'number', exclusiveMinimum: 1, maximum: 10 } }),
    action('bury', { group, factor: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } }),
    action('hide', { group }),
    action('filter', { group }),
    action('rewrite', { query: text(200) }),
    action('expand', { synonyms: strings(20) }),
    action('redirect', { url: { type: 'string', minLength: 1, maxLength: 2000, pattern: '^(https?://|/)' } }),
  ],
} as const;

export const ruleSchema = {
  $id: 'rule',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'actions'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    name: text(200),
    description: { type: 'string', maxLength: 2000 },
    enabled: { type: 'boolean', default: true },
    priority: { type: 'integer', minimum: -1000, maximum: 1000, default: 0 },
    conditions: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        query: {
          type: 'object',
          additionalProperties: false,
          required: ['match', 'values'],
          properties: { match: { enum: ['equals', 'contains', 'phrase'] }, values: strings(50) },
        },
        category: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          maxProperties: 1,
          properties: { is: text(500), under: text(500) },
        },
        window: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            start: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$' },
            end: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$' },
            time_zone: text(64),
          },
        },
        channels: strings(20, 50),
      },
    },
    actions: { type: 'array', minItems: 1, maxItems: 100, items: ruleActionSchema },
    updated_at: { type: 'string' },
    updated_by: { type: 'string' },
  },
} as const;
