// The merchandiser's API: rules CRUD with filters, validation, a dry-run preview of a query or a
// category page with and without a rule, export/import, and the audit log. Every route needs an
// admin key; the key's name is recorded as the actor of every change.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequestError, NotFoundError } from '../../common/errors.ts';
import { composeRules } from '../../ranking/rules/compose.ts';
import { applicableRules } from '../../ranking/rules/match.ts';
import { ruleSchema, type Rule } from '../../ranking/rules/rule.ts';
import type { RuleStore } from '../../ranking/rules/rule-store.ts';
import { validateRule } from '../../ranking/rules/validate.ts';
import type { QueryDeps } from '../listing.ts';
import { errorResponse, searchResponse } from '../schemas.ts';
import { toSearchParams } from '../search/params.ts';
import { runSearch, type Hit } from '../search/search-service.ts';

export interface AdminDeps {
  query: QueryDeps;
  store: RuleStore;
}

interface ListQuery {
  q?: string;
  enabled?: boolean;
  action?: Rule['actions'][number]['type'];
}

interface PreviewBody {
  q?: string;
  category?: string;
  channel?: string;
  size?: number;
  rule: unknown;
}

export type PreviewMark = 'pinned' | 'boosted' | 'buried' | 'hidden' | 'moved' | 'new';

const ruleRef = { $ref: 'rule#' } as const;
// Answers are serialized loosely: the stored rule is already valid, and the serializer gains nothing from the action union.
const ruleOut = { type: 'object', additionalProperties: true } as const;
const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
  required: ['id'],
} as const;
const errors = { '4xx': errorResponse, '5xx': errorResponse } as const;
const security = [{ adminKey: [] }];

function matchesListQuery(r: Rule, f: ListQuery): boolean {
  if (f.enabled !== undefined && r.enabled !== f.enabled) return false;
  if (f.action && !r.actions.some((a) => a.type === f.action)) return false;
  if (f.q) {
    const needle = f.q.toLowerCase();
    const hay = [r.id, r.name, r.description ?? '', ...(r.conditions.query?.values ?? [])].join(' ').toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}

/** How each product moved between the two lists, with what the edited rule did to it. */
function compare(without: Hit[], withRule: Hit[], rule: Rule) {
  const removes = rule.actions.some((a) => a.type === 'hide' || a.type === 'filter');
  const pinnedIds = new Set(rule.actions.flatMap((a) => (a.type === 'pin' ? [a.id] : [])));
  const before = new Map(without.map((h, i) => [h.id, i + 1]));
  const after = new Set(withRule.map((h) => h.id));
  const changes = withRule.map((h, i) => {
    const from = before.get(h.id) ?? null;
    const to = i + 1;
    const marks: PreviewMark[] = [];
    if (h.pinned && pinnedIds.has(h.id)) marks.push('pinned');
    if (from === null) marks.push('new');
    else if (from !== to) marks.push('moved');
    // The explanation says which of the rule's groups the product is in, whatever else moved it.
    const factor = h.explain?.rules.filter((r) => r.rule === rule.id).reduce((f, r) => f * r.factor, 1) ?? 1;
    if (factor > 1) marks.push('boosted');
    if (factor < 1) marks.push('buried');
    return { id: h.id, title: h.title, from, to, marks };
  });
  const gone = without
    .filter((h) => !after.has(h.id))
    .map((h) => ({
      id: h.id,
      title: h.title,
      from: before.get(h.id)!,
      to: null,
      marks: [removes ? 'hidden' : 'moved'] as PreviewMark[],
    }));
  return [...changes, ...gone].filter((c) => c.marks.length > 0);
}

export async function adminRuleRoutes(app: FastifyInstance, deps: AdminDeps) {
  const { store } = deps;
  app.addSchema(ruleSchema);
  const actor = (req: FastifyRequest) => deps.query.admin.require(req);
  // Every admin route (this plugin's scope) checks the key before anything else, including body validation.
  app.addHook('onRequest', async (req) => {
    actor(req);
  });

  app.get<{ Querystring: ListQuery }>(
    '/admin/rules',
    {
      schema: {
        tags: ['admin'],
        summary: 'List rules, optionally filtered',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 200 },
            enabled: { type: 'boolean' },
            action: {
              type: 'string',
              enum: ['pin', 'boost', 'bury', 'hide', 'filter', 'rewrite', 'expand', 'redirect'],
            },
          },
        },
        response: {
          200: { type: 'object', properties: { total: { type: 'integer' }, rules: { type: 'array', items: ruleOut } } },
          ...errors,
        },
      },
    },
    async (req) => {
      const rules = (await store.all())
        .filter((r) => matchesListQuery(r, req.query))
        .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : 1));
      return { total: rules.length, rules };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/admin/rules/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One rule',
        security,
        params: idParams,
        response: { 200: ruleOut, ...errors },
      },
    },
    async (req) => {
      const rule = await store.get(req.params.id);
      if (!rule) throw new NotFoundError(`no rule "${req.params.id}"`);
      return rule;
    },
  );

  app.post<{ Body: unknown }>(
    '/admin/rules',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a rule',
        security,
        body: ruleRef,
        response: { 201: ruleOut, ...errors },
      },
    },
    async (req, reply) => {
      reply.status(201);
      return store.create(req.body, actor(req));
    },
  );

  app.put<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/admin/rules/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Replace a rule (also how it is enabled or disabled)',
        security,
        params: idParams,
        body: ruleRef,
        response: { 200: ruleOut, ...errors },
      },
    },
    async (req) => {
      if (req.body.id !== req.params.id)
        throw new BadRequestError(`id "${String(req.body.id)}" differs from the path's "${req.params.id}"`, 'id');
      return store.update(req.params.id, req.body, actor(req));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/rules/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Delete a rule',
        security,
        params: idParams,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (req, reply) => {
      await store.remove(req.params.id, actor(req));
      return reply.status(204).send();
    },
  );

  app.post<{ Body: unknown }>(
    '/admin/rules/validate',
    {
      schema: {
        tags: ['admin'],
        summary: 'Check a rule without storing it',
        security,
        body: ruleRef,
        response: { 200: { type: 'object', properties: { valid: { type: 'boolean' }, rule: ruleOut } }, ...errors },
      },
    },
    async (req) => ({ valid: true, rule: validateRule(req.body) }),
  );

  app.post<{ Body: PreviewBody }>(
    '/admin/rules/preview',
    {
      schema: {
        tags: ['admin'],
        summary: 'Results of a query or category page without and with a rule (stored or not), and what changed',
        security,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['rule'],
          properties: {
            q: { type: 'string', maxLength: 200 },
            category: { type: 'string', maxLength: 600 },
            channel: { type: 'string', maxLength: 50 },
            size: { type: 'integer', minimum: 1, maximum: 100 },
            rule: ruleRef,
          },
        },
        response: {
          200: {
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
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const rule = validateRule(req.body.rule, 'rule');
      if (!req.body.q && !req.body.category) throw new BadRequestError('give q or category to preview', 'q');
      const { value: rules } = await deps.query.rules.get();
      const ctx = { q: req.body.q, category: req.body.category, channel: req.body.channel, now: deps.query.now() };
      const others = rules.filter((r) => r.id !== rule.id);
      const browse = !req.body.q && req.body.category !== undefined;
      const params = toSearchParams(
        {
          q: req.body.q,
          size: req.body.size ?? 20,
          ...(browse ? {} : { category: req.body.category }),
          ...(req.body.channel ? { channel: req.body.channel } : {}),
        },
        browse ? req.body.category : undefined,
      );
      const effectsWithout = composeRules(applicableRules(others, ctx));
      const applicableWith = applicableRules([...others, rule], ctx);
      const effectsWith = composeRules(applicableWith);
      const [without, withRule] = await Promise.all([
        runSearch(deps.query.search, params, browse, effectsWithout),
        runSearch(deps.query.search, params, browse, effectsWith, true),
      ]);
      return {
        applies: applicableWith.some((r) => r.id === rule.id),
        without,
        with: withRule,
        changes: compare(without.hits, withRule.hits, rule),
      };
    },
  );

  app.get(
    '/admin/rules/export',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every rule, as JSON to import elsewhere',
        security,
        response: { 200: { type: 'array', items: ruleOut }, ...errors },
      },
    },
    async () => (await store.all()).sort((a, b) => (a.id < b.id ? -1 : 1)),
  );

  app.post<{ Body: unknown[] }>(
    '/admin/rules/import',
    {
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        tags: ['admin'],
        summary: 'Replace every rule with these (all validated first: a bad file changes nothing)',
        security,
        body: { type: 'array', maxItems: 5000 },
        response: { 200: { type: 'object', properties: { imported: { type: 'integer' } } }, ...errors },
      },
    },
    async (req) => ({ imported: await store.importAll(req.body, actor(req)) }),
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/admin/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'Who changed which rule, when, and how (newest first)',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
        response: {
          200: {
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
          },
          ...errors,
        },
      },
    },
    async (req) => ({ entries: await store.audit(req.query.limit ?? 100) }),
  );
}
