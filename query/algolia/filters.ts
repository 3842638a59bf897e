// Algolia's three filter parameters (facetFilters, numericFilters, filters) parsed into one form:
// a conjunction of groups, each group a disjunction of conditions. That is all Algolia itself
// accepts ("(A OR B) AND C", never "(A AND B) OR C"), so one level of parentheses is the limit.
// Every input is bounded (length, conditions, nesting) and refused with the parameter's name.
import { BadRequestError } from '../../common/errors.ts';

export type Comparison = '<' | '<=' | '=' | '!=' | '>=' | '>';

export type Condition =
  | { kind: 'facet'; attribute: string; value: string; negated: boolean }
  | { kind: 'numeric'; attribute: string; op: Comparison; value: number }
  | { kind: 'range'; attribute: string; from: number; to: number; negated: boolean };

export type FilterParameter = 'filters' | 'facetFilters' | 'numericFilters';

/** Conditions of one group (ORed), and the parameter they came from (errors name it). */
export interface Group {
  from: FilterParameter;
  anyOf: Condition[];
}

export const FILTER_LIMITS = {
  /** Characters of a `filters` string. */
  filtersLength: 2000,
  /** Characters of one facet or numeric filter string. */
  conditionLength: 500,
  /** Conditions across the three parameters. */
  conditions: 100,
} as const;

const bad = (from: FilterParameter, why: string) => new BadRequestError(`${from}: ${why}`, from);

/** Conditions counted over all parameters of one query. */
export class ConditionBudget {
  private used = 0;
  take(from: FilterParameter): void {
    if (++this.used > FILTER_LIMITS.conditions) throw bad(from, `more than ${FILTER_LIMITS.conditions} conditions`);
  }
}

const COMPARISON = /^\s*([^<>=!:\s]+)\s*(<=|>=|!=|<|>|=)\s*(-?[\d.]+(?:e[+-]?\d+)?)\s*$/i;
const RANGE = /^\s*([^:\s]+)\s*:\s*(-?[\d.]+)\s+TO\s+(-?[\d.]+)\s*$/;

const finite = (from: FilterParameter, s: string): number => {
  const n = Number(s);
  if (!Number.isFinite(n)) throw bad(from, `"${s.slice(0, 40)}" is not a number`);
  return n;
};

/** "brand:Acme", "-brand:Acme" (negated), "brand:\-Acme" (a value starting with a dash). */
function facetCondition(from: FilterParameter, s: string): Condition {
  if (s.length > FILTER_LIMITS.conditionLength)
    throw bad(from, `a filter longer than ${FILTER_LIMITS.conditionLength}`);
  const negated = s.startsWith('-');
  const body = negated ? s.slice(1) : s;
  const i = body.indexOf(':');
  if (i <= 0) throw bad(from, `"${s.slice(0, 60)}" is not attribute:value`);
  const value = body.slice(i + 1).replace(/^\\-/, '-');
  return { kind: 'facet', attribute: body.slice(0, i).trim(), value, negated };
}

/** "price>=10", "price:10 TO 20". */
function numericCondition(from: FilterParameter, s: string): Condition {
  if (s.length > FILTER_LIMITS.conditionLength)
    throw bad(from, `a filter longer than ${FILTER_LIMITS.conditionLength}`);
  const range = RANGE.exec(s);
  if (range)
    return {
      kind: 'range',
      attribute: range[1]!,
      from: finite(from, range[2]!),
      to: finite(from, range[3]!),
      negated: false,
    };
  const c = COMPARISON.exec(s);
  if (!c) throw bad(from, `"${s.slice(0, 60)}" is not attribute<op>number`);
  return { kind: 'numeric', attribute: c[1]!, op: c[2] as Comparison, value: finite(from, c[3]!) };
}

/**
 * facetFilters or numericFilters: a string, or an array whose strings are ANDed and whose inner
 * arrays are ORed (Algolia's format; deeper nesting is refused).
 */
export function parseFilterArray(
  from: 'facetFilters' | 'numericFilters',
  input: unknown,
  budget: ConditionBudget,
): Group[] {
  if (input === undefined) return [];
  const one = from === 'facetFilters' ? facetCondition : numericCondition;
  const parse = (s: unknown): Condition => {
    if (typeof s !== 'string') throw bad(from, 'conditions must be strings, in at most one level of inner arrays');
    budget.take(from);
    return one(from, s);
  };
  if (typeof input === 'string') return [{ from, anyOf: [parse(input)] }];
  if (!Array.isArray(input)) throw bad(from, 'must be a string or an array');
  return input.map((item) => ({ from, anyOf: Array.isArray(item) ? item.map(parse) : [parse(item)] }));
}

type Token = { t: '(' | ')' | 'AND' | 'OR' | 'NOT' } | { t: 'word'; text: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      out.push({ t: ch });
      i++;
    } else {
      // A word runs to whitespace or a parenthesis outside quotes; quotes group, \" escapes.
      let text = '';
      let quoted = false;
      while (i < s.length && (quoted || !/[\s()]/.test(s[i]!))) {
        const c = s[i]!;
        if (c === '\\' && quoted && i + 1 < s.length) {
          text += s[i + 1];
          i += 2;
          continue;
        }
        if (c === '"') quoted = !quoted;
        else text += c;
        i++;
      }
      if (quoted) throw bad('filters', 'an unclosed quote');
      const word = text.toUpperCase();
      // "TO" joins a range's bounds: it stays inside the word of its condition.
      if (word === 'TO' && out.at(-1)?.t === 'word') {
        const prev = out.pop() as { t: 'word'; text: string };
        out.push({ t: 'word', text: `${prev.text} TO` });
      } else if (out.at(-1)?.t === 'word' && (out.at(-1) as { text: string }).text.endsWith(' TO')) {
        const prev = out.pop() as { t: 'word'; text: string };
        out.push({ t: 'word', text: `${prev.text} ${text}` });
      } else if (word === 'AND' || word === 'OR' || word === 'NOT') out.push({ t: word });
      else out.push({ t: 'word', text });
    }
  }
  return out;
}

/** One condition of a `filters` string: a facet value, a comparison or a range. */
function filtersCondition(text: string, negated: boolean): Condition {
  if (RANGE.test(text)) {
    const c = numericCondition('filters', text);
    return { ...c, negated } as Condition;
  }
  if (COMPARISON.test(text)) {
    const c = numericCondition('filters', text) as Extract<Condition, { kind: 'numeric' }>;
    if (!negated) return c;
    const opposite: Record<Comparison, Comparison> = {
      '<': '>=',
      '<=': '>',
      '=': '!=',
      '!=': '=',
      '>=': '<',
      '>': '<=',
    };
    return { ...c, op: opposite[c.op] };
  }
  const f = facetCondition('filters', text) as Extract<Condition, { kind: 'facet' }>;
  return { ...f, negated: f.negated !== negated };
}

/** The `filters` string: groups ANDed, "OR" inside a group, "NOT" before a condition. */
export function parseFilters(input: unknown, budget: ConditionBudget): Group[] {
  if (input === undefined || input === '') return [];
  if (typeof input !== 'string') throw bad('filters', 'must be a string');
  if (input.length > FILTER_LIMITS.filtersLength)
    throw bad('filters', `longer than ${FILTER_LIMITS.filtersLength} characters`);
  const tokens = tokenize(input);
  let i = 0;
  const condition = (): Condition => {
    let negated = false;
    if (tokens[i]?.t === 'NOT') {
      negated = true;
      i++;
    }
    const tok = tokens[i++];
    if (tok?.t !== 'word') throw bad('filters', `expected a condition at token ${i}`);
    budget.take('filters');
    return filtersCondition(tok.text, negated);
  };
  const disjunction = (inParens: boolean): Condition[] => {
    const anyOf = [condition()];
    while (tokens[i]?.t === 'OR') {
      i++;
      anyOf.push(condition());
    }
    if (inParens && tokens[i]?.t === 'AND')
      throw bad('filters', 'AND inside parentheses is not supported (Algolia neither: write (A OR B) AND C)');
    return anyOf;
  };
  const groups: Group[] = [];
  for (;;) {
    if (tokens[i]?.t === '(') {
      i++;
      if (tokens[i]?.t === '(') throw bad('filters', 'parentheses nest at most one level');
      groups.push({ from: 'filters', anyOf: disjunction(true) });
      if (tokens[i++]?.t !== ')') throw bad('filters', 'an unclosed parenthesis');
    } else groups.push({ from: 'filters', anyOf: disjunction(false) });
    if (i === tokens.length) return groups;
    if (tokens[i++]?.t !== 'AND') throw bad('filters', `expected AND at token ${i}`);
  }
}
