// Rules live in Redis (append-only file on, so they survive restarts): one hash of rules by id, a
// revision counter bumped in the same transaction as every change (readers poll it to reload),
// and an audit list of who changed what and when. Writes are whole rules, validated before they
// are stored, so a rule is never half-applied.
import type { Redis } from '../common/clients/redis.ts';
import { BadRequestError, NotFoundError } from '../common/errors.ts';
import type { Rule } from '../ranking/rules/rule.ts';
import { type RulePolicy, validateRule } from '../ranking/rules/validate.ts';
import type { KeySpace } from './keys.ts';

export interface AuditEntry {
  at: string;
  actor: string;
  action: 'create' | 'update' | 'delete' | 'import';
  rule: string;
  before?: Rule | null;
  after?: Rule | null;
}

const AUDIT_KEEP = 10000;

export interface RuleStore {
  /** The rule with defaults filled in, as it would be stored; a BadRequestError naming the first bad field. */
  validate(input: unknown, prefix?: string): Rule;
  get(id: string): Promise<Rule | undefined>;
  all(): Promise<Rule[]>;
  revision(): Promise<number>;
  create(input: unknown, actor: string): Promise<Rule>;
  update(id: string, input: unknown, actor: string): Promise<Rule>;
  remove(id: string, actor: string): Promise<void>;
  /** Replaces every rule at once; all are validated first, so a bad file changes nothing. */
  importAll(input: unknown, actor: string): Promise<number>;
  audit(limit: number): Promise<AuditEntry[]>;
}

export function redisRuleStore(
  redis: Redis,
  keys: KeySpace['rules'],
  policy: RulePolicy,
  now: () => number = Date.now,
): RuleStore {
  const validate = (input: unknown, prefix?: string) => validateRule(input, policy, prefix);
  async function get(id: string): Promise<Rule | undefined> {
    const raw = await redis.hget(keys.rules, id);
    return raw === null ? undefined : (JSON.parse(raw) as Rule);
  }

  async function write(
    actor: string,
    action: AuditEntry['action'],
    changes: { id: string; before: Rule | null; after: Rule | null }[],
    replaceAll = false,
  ): Promise<void> {
    const at = new Date(now()).toISOString();
    const tx = redis.multi();
    if (replaceAll) tx.del(keys.rules);
    for (const c of changes) {
      if (c.after) tx.hset(keys.rules, c.id, JSON.stringify(c.after));
      else tx.hdel(keys.rules, c.id);
      tx.lpush(
        keys.audit,
        JSON.stringify({ at, actor, action, rule: c.id, before: c.before, after: c.after } satisfies AuditEntry),
      );
    }
    tx.ltrim(keys.audit, 0, AUDIT_KEEP - 1).incr(keys.revision);
    const results = await tx.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('rule transaction aborted');
  }

  const stamp = (r: Rule, actor: string): Rule => ({
    ...r,
    updated_at: new Date(now()).toISOString(),
    updated_by: actor,
  });

  const all = async (): Promise<Rule[]> =>
    Object.values(await redis.hgetall(keys.rules)).map((raw) => JSON.parse(raw) as Rule);

  return {
    validate,
    get,
    all,
    async revision(): Promise<number> {
      return Number((await redis.get(keys.revision)) ?? 0);
    },
    async create(input: unknown, actor: string): Promise<Rule> {
      const rule = stamp(validate(input), actor);
      // Not atomic with the write: of two creates racing for one id the later wins, and both are audited.
      if (await redis.hexists(keys.rules, rule.id))
        throw new BadRequestError(`a rule with id "${rule.id}" exists; update it instead`, 'id');
      await write(actor, 'create', [{ id: rule.id, before: null, after: rule }]);
      return rule;
    },
    async update(id: string, input: unknown, actor: string): Promise<Rule> {
      const before = await get(id);
      if (!before) throw new NotFoundError(`no rule "${id}"`);
      const rule = stamp(validate({ ...(input as object), id }), actor);
      await write(actor, 'update', [{ id, before, after: rule }]);
      return rule;
    },
    async remove(id: string, actor: string): Promise<void> {
      const before = await get(id);
      if (!before) throw new NotFoundError(`no rule "${id}"`);
      await write(actor, 'delete', [{ id, before, after: null }]);
    },
    async importAll(input: unknown, actor: string): Promise<number> {
      if (!Array.isArray(input)) throw new BadRequestError('rules must be an array', 'rules');
      const rules = input.map((r, i) => stamp(validate(r, `rules.${i}`), actor));
      const ids = new Set<string>();
      rules.forEach((r, i) => {
        if (ids.has(r.id)) throw new BadRequestError(`rules.${i}.id "${r.id}" appears twice`, `rules.${i}.id`);
        ids.add(r.id);
      });
      const current = new Map((await all()).map((r) => [r.id, r]));
      const removed = [...current.keys()]
        .filter((id) => !ids.has(id))
        .map((id) => ({ id, before: current.get(id)!, after: null }));
      await write(
        actor,
        'import',
        [...rules.map((r) => ({ id: r.id, before: current.get(r.id) ?? null, after: r })), ...removed],
        true,
      );
      return rules.length;
    },
    async audit(limit: number): Promise<AuditEntry[]> {
      return (await redis.lrange(keys.audit, 0, limit - 1)).map((raw) => JSON.parse(raw) as AuditEntry);
    },
  };
}
