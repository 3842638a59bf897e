// An online experiment is data: two or more variants (each a ranking profile, a set of merchandiser
// rules and/or a suggestion setting), the share of sessions it takes, a design and a time span.
// The JSON Schema below is the admin API's wire format; validateExperiment adds what a schema
// cannot say (unique variant names, an end after the start, a profile that exists).
import { Ajv } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import { BadRequestError } from '../../common/errors.ts';

const name = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' } as const;

export const variantSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name,
    /** The ranking profile its searches use (default: the request's). */
    profile: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
    /** Which merchandiser rules apply: all (default), none, only these ids, or all but these ids. */
    rules: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: ['all', 'none', 'only', 'except'] },
        ids: { type: 'array', maxItems: 200, items: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
      },
    },
    /** Autocomplete settings: offer the customer's recent searches first (default on). */
    suggest: {
      type: 'object',
      additionalProperties: false,
      properties: { recent_searches: { type: 'boolean' } },
    },
  },
} as const;

export const experimentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'design', 'variants'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 2000 },
    /**
     * ab: each variant serves its own shoppers. interleave: one list merged from the first two
     * variants' rankings by team draft, clicks credited to the ranking that contributed the product.
     */
    design: { type: 'string', enum: ['ab', 'interleave'] },
    /** What it changes: searches and category pages, or autocomplete. */
    surface: { type: 'string', enum: ['search', 'suggest'], default: 'search' },
    variants: { type: 'array', minItems: 2, maxItems: 6, items: variantSchema },
    /** Share of sessions in the experiment (the rest see the normal service). */
    traffic: { type: 'number', minimum: 0.001, maximum: 1, default: 1 },
    start: { type: 'string', format: 'date-time', maxLength: 40 },
    end: { type: 'string', format: 'date-time', maxLength: 40 },
  },
} as const;

export type VariantInput = FromSchema<typeof variantSchema>;
export type Variant = VariantInput;
export type ExperimentInput = FromSchema<typeof experimentSchema>;

export interface Experiment extends ExperimentInput {
  surface: 'search' | 'suggest';
  traffic: number;
  /** Set by the store: when it was created, by whom, and when it was stopped (it never restarts). */
  created_at?: string;
  created_by?: string;
  stopped_at?: string;
  stopped_by?: string;
}

// A date-time checked by Date.parse below (ajv-formats would be one more plugin for two fields).
const ajv = new Ajv({
  allErrors: false,
  strict: true,
  strictRequired: false,
  useDefaults: true,
  formats: { 'date-time': true },
});
const check = ajv.compile<ExperimentInput>(experimentSchema);

const bad = (field: string, message: string) => new BadRequestError(`${field} ${message}`, field);

/** The experiment with defaults filled in, or a BadRequestError naming the first bad field. */
export function validateExperiment(input: unknown, profiles: readonly string[]): Experiment {
  const e = structuredClone(input);
  if (!check(e)) {
    const err = check.errors![0]!;
    const missing = (err.params as { missingProperty?: string; additionalProperty?: string }).missingProperty;
    const extra = (err.params as { additionalProperty?: string }).additionalProperty;
    const field = [err.instancePath.replace(/^\//, '').replaceAll('/', '.'), missing ?? extra]
      .filter(Boolean)
      .join('.');
    throw new BadRequestError(`${field || 'experiment'} ${err.message ?? 'is invalid'}`, field || undefined);
  }
  const x = e as Experiment;
  const seen = new Set<string>();
  x.variants.forEach((v, i) => {
    if (seen.has(v.name)) throw bad(`variants.${i}.name`, `"${v.name}" appears twice`);
    seen.add(v.name);
    if (v.profile !== undefined && !profiles.includes(v.profile))
      throw bad(`variants.${i}.profile`, `is not a ranking profile (have: ${profiles.join(', ')})`);
    if (v.rules && (v.rules.mode === 'only' || v.rules.mode === 'except') && !v.rules.ids)
      throw bad(`variants.${i}.rules.ids`, `is required with mode "${v.rules.mode}"`);
    if (x.surface === 'suggest' && (v.profile !== undefined || v.rules !== undefined))
      throw bad(`variants.${i}`, 'of an autocomplete experiment sets only suggest');
    if (x.surface === 'search' && v.suggest !== undefined)
      throw bad(`variants.${i}.suggest`, 'belongs to an autocomplete experiment (surface "suggest")');
  });
  for (const end of ['start', 'end'] as const)
    if (x[end] !== undefined && !Number.isFinite(Date.parse(x[end]!))) throw bad(end, 'is not a date-time');
  if (x.start && x.end && Date.parse(x.end) <= Date.parse(x.start)) throw bad('end', 'must be after the start');
  if (x.design === 'interleave') {
    if (x.surface !== 'search') throw bad('design', 'interleave applies to search rankings only');
    if (x.variants.length !== 2) throw bad('variants', 'of an interleaving experiment are exactly two rankings');
  }
  return x;
}

/** Running at `now`: started, not ended, not stopped. */
export const isRunning = (x: Experiment, now: number): boolean =>
  !x.stopped_at && (!x.start || Date.parse(x.start) <= now) && (!x.end || now < Date.parse(x.end));

/** The merchandiser rules a variant keeps (all when it names no rule set). */
export function rulesOfVariant<R extends { id: string }>(
  rules: readonly R[],
  selection: Variant['rules'],
): readonly R[] {
  if (!selection || selection.mode === 'all') return rules;
  if (selection.mode === 'none') return [];
  const ids = new Set(selection.ids ?? []);
  return rules.filter((r) => (selection.mode === 'only' ? ids.has(r.id) : !ids.has(r.id)));
}

/** What an answer of an experiment says about it (the impression records it). */
export interface ExperimentTag {
  id: string;
  variant: string;
  /** Interleaving: the ranking (0 or 1) that contributed each product of the answer, in order. */
  teams?: (0 | 1)[];
}
