// The merchandiser's API: rules CRUD with filters, validation, a dry-run preview of a query or a
// category page with and without a rule, export/import, and the audit log. Every route needs an
// admin key; the key's name is recorded as the actor of every change.
import type { SchemaTypes } from '../schema-types.ts';
import type { FastifyInstance } from 'fastify';
import { BadRequestError, NotFoundError } from '../../../common/errors.ts';
import { ruleSchema, type Rule } from '../../../ranking/rules/rule.ts';
import type { RuleStore } from '../../../stores/rules.ts';
import type { SearchEngine } from '../../search/engine.ts';
import { toSearchParams } from '../../search/params.ts';
import type { AdminAuth } from '../admin-auth.ts';
import {
  auditQuerystring,
  auditResponse,
  importBody,
  importResponse,
  previewBody,
  previewResponse,
  ruleIdParams,
  ruleListQuerystring,
  ruleListResponse,
  ruleOut,
  ruleRef,
  ruleValidationResponse,
} from '../schemas/admin.ts';
import { adminSecurity as security, errorResponses as errors } from '../schemas/common.ts';

export interface AdminRuleDeps {
  admin: AdminAuth;
  store: RuleStore;
  engine: SearchEngine;
}

interface ListFilter {
  q?: string;
  enabled?: boolean;
  action?: Rule['actions'][number]['type'];
}

function matchesListQuery(r: Rule, f: ListFilter): boolean {
  if (f.enabled !== undefined && r.enabled !== f.enabled) return false;
  if (f.action && !r.actions.some((a) => a.type === f.action)) return false;
  if (f.q) {
    const needle = f.q.toLowerCase();
    const hay = [r.id, r.name, r.description ?? '', ...(r.conditions.query?.values ?? [])].join(' ').toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}

const byId = (a: Rule, b: Rule) => (a.id < b.id ? -1 : 1);

export async function adminRuleRoutes(fastify: FastifyInstance, deps: AdminRuleDeps) {
  const app = fastify.withTypeProvider<SchemaTypes>();
  const { store, admin } = deps;
  app.addSchema(ruleSchema);
  // Every admin route (this plugin's scope) checks the key before anything else, including body validation.
  app.addHook('onRequest', admin.hook);

  app.get(
    '/admin/rules',
    {
      schema: {
        tags: ['admin'],
        summary: 'List rules, optionally filtered',
        security,
        querystring: ruleListQuerystring,
        response: { 200: ruleListResponse, ...errors },
      },
    },
    async (req) => {
      const rules = (await store.all())
        .filter((r) => matchesListQuery(r, req.query))
        .sort((a, b) => b.priority - a.priority || byId(a, b));
      return { total: rules.length, rules };
    },
  );

  app.get(
    '/admin/rules/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One rule',
        security,
        params: ruleIdParams,
        response: { 200: ruleOut, ...errors },
      },
    },
    async (req) => {
      const rule = await store.get(req.params.id);
      if (!rule) throw new NotFoundError(`no rule "${req.params.id}"`);
      return rule;
    },
  );

  app.post(
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
      return store.create(req.body, admin.require(req));
    },
  );

  app.put(
    '/admin/rules/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Replace a rule (also how it is enabled or disabled)',
        security,
        params: ruleIdParams,
        body: ruleRef,
        response: { 200: ruleOut, ...errors },
      },
    },
    async (req) => {
      const body = req.body as { id?: unknown };
      if (body.id !== req.params.id)
        throw new BadRequestError(`id "${String(body.id)}" differs from the path's "${req.params.id}"`, 'id');
      return store.update(req.params.id, req.body, admin.require(req));
    },
  );

  app.delete(
    '/admin/rules/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Delete a rule',
        security,
        params: ruleIdParams,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (req, reply) => {
      await store.remove(req.params.id, admin.require(req));
      return reply.status(204).send();
    },
  );

  app.post(
    '/admin/rules/validate',
    {
      schema: {
        tags: ['admin'],
        summary: 'Check a rule without storing it',
        security,
        body: ruleRef,
        response: { 200: ruleValidationResponse, ...errors },
      },
    },
    async (req) => ({ valid: true, rule: deps.store.validate(req.body) }),
  );

  app.post(
    '/admin/rules/preview',
    {
      schema: {
        tags: ['admin'],
        summary: 'Results of a query or category page without and with a rule (stored or not), and what changed',
        security,
        body: previewBody,
        response: { 200: previewResponse, ...errors },
      },
    },
    async (req) => {
      const rule = deps.store.validate(req.body.rule, 'rule');
      const { q, category, channel, size } = req.body;
      if (!q && !category) throw new BadRequestError('give q or category to preview', 'q');
      const browse = !q && category !== undefined;
      const params = toSearchParams(
        { q, size: size ?? 20, ...(browse ? {} : { category }), ...(channel ? { channel } : {}) },
        browse ? category : undefined,
      );
      return deps.engine.previewRule({ rule, params, browse, ...(channel ? { channel } : {}) });
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
    async () => (await store.all()).sort(byId),
  );

  app.post(
    '/admin/rules/import',
    {
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        tags: ['admin'],
        summary: 'Replace every rule with these (all validated first: a bad file changes nothing)',
        security,
        body: importBody,
        response: { 200: importResponse, ...errors },
      },
    },
    async (req) => ({ imported: await store.importAll(req.body, admin.require(req)) }),
  );

  app.get(
    '/admin/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'Who changed which rule, when, and how (newest first)',
        security,
        querystring: auditQuerystring,
        response: { 200: auditResponse, ...errors },
      },
    },
    async (req) => ({ entries: await store.audit(req.query.limit ?? 100) }),
  );
}
