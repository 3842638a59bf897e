// Whether a rule may be stored: the JSON Schema (types, ranges, known fields), then what a schema
// cannot say (a real time zone, a window that ends after it starts, one pin per position).
// Failures name the field, as "actions.2.factor", so a form can show the message beside it.
import { Ajv, type ErrorObject } from 'ajv';
import { BadRequestError } from '../../common/errors.ts';
import { redirectProblem } from './redirect.ts';
import { ruleSchema, type Rule } from './rule.ts';
import { assertTimeZone, zonedToInstant } from './time-window.ts';

const ajv = new Ajv({
  allErrors: false,
  strict: true,
  strictRequired: false,
  strictNumbers: true,
  discriminator: true,
  useDefaults: true,
});
const check = ajv.compile<Rule>(ruleSchema);

const fieldOf = (e: ErrorObject, prefix: string): string => {
  const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const extra =
    (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ??
    (e.params as { additionalProperty?: string }).additionalProperty;
  return [prefix, path, extra].filter(Boolean).join('.');
};

/** What a rule may do here beyond its schema. */
export interface RulePolicy {
  /** Hosts an absolute redirect URL may go to. */
  redirectHosts: readonly string[];
}

/** The rule with defaults filled in, or a BadRequestError naming the first bad field. */
export function validateRule(input: unknown, policy: RulePolicy, prefix = ''): Rule {
  const rule = structuredClone(input);
  if (!check(rule)) {
    const e = check.errors![0]!;
    const field = fieldOf(e, prefix);
    throw new BadRequestError(`${field || 'rule'} ${e.message ?? 'is invalid'}`, field || undefined);
  }
  const at = (f: string) => [prefix, f].filter(Boolean).join('.');
  const w = rule.conditions.window;
  if (w) {
    const zone = w.time_zone ?? 'UTC';
    try {
      assertTimeZone(zone);
    } catch {
      throw new BadRequestError(
        `${at('conditions.window.time_zone')} is not a known time zone: ${zone}`,
        at('conditions.window.time_zone'),
      );
    }
    for (const end of ['start', 'end'] as const) {
      const v = w[end];
      if (v !== undefined && !Number.isFinite(Date.parse(`${v.slice(0, 16)}:00Z`)))
        throw new BadRequestError(
          `${at(`conditions.window.${end}`)} is not a date-time: ${v}`,
          at(`conditions.window.${end}`),
        );
    }
    if (w.start && w.end && zonedToInstant(w.end, zone) <= zonedToInstant(w.start, zone))
      throw new BadRequestError(`${at('conditions.window.end')} must be after the start`, at('conditions.window.end'));
  }
  const positions = new Map<number, number>();
  rule.actions.forEach((a, i) => {
    if (a.type === 'redirect') {
      const problem = redirectProblem(a.url, policy.redirectHosts);
      if (problem) throw new BadRequestError(`${at(`actions.${i}.url`)} ${problem}`, at(`actions.${i}.url`));
    }
    if (a.type === 'pin') {
      if (positions.has(a.position))
        throw new BadRequestError(
          `${at(`actions.${i}.position`)} is already pinned by action ${positions.get(a.position)}`,
          at(`actions.${i}.position`),
        );
      positions.set(a.position, i);
    }
    if (
      (a.type === 'boost' || a.type === 'bury' || a.type === 'hide' || a.type === 'filter') &&
      a.group.price_min !== undefined &&
      a.group.price_max !== undefined &&
      a.group.price_min > a.group.price_max
    ) {
      throw new BadRequestError(
        `${at(`actions.${i}.group.price_max`)} must be at least price_min`,
        at(`actions.${i}.group.price_max`),
      );
    }
  });
  return rule;
}
