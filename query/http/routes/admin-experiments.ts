// The admin API of online experiments: create (validated, refused when it would overlap a running
// one), list, read with results, stop. Admin key required; the key's name is recorded.
import type { FastifyInstance } from 'fastify';
import type { ExperimentResults } from '../../../analytics/experiment-results.ts';
import { NotFoundError } from '../../../common/errors.ts';
import type { Experiment } from '../../../ranking/experiments/experiment.ts';
import type { ExperimentStore } from '../../../stores/experiments.ts';
import type { AdminAuth } from '../admin-auth.ts';
import type { SchemaTypes } from '../schema-types.ts';
import { experimentIdParams, experimentListResponse, looseObject } from '../schemas/analytics.ts';
import { adminSecurity as security, errorResponses as errors } from '../schemas/common.ts';

export interface AdminExperimentDeps {
  admin: AdminAuth;
  store: ExperimentStore;
  results: (x: Experiment) => Promise<ExperimentResults>;
}

export async function adminExperimentRoutes(fastify: FastifyInstance, deps: AdminExperimentDeps) {
  const app = fastify.withTypeProvider<SchemaTypes>();
  const { admin, store } = deps;
  app.addHook('onRequest', admin.hook);
  const found = async (id: string) => {
    const x = await store.get(id);
    if (!x) throw new NotFoundError(`no experiment "${id}"`);
    return x;
  };

  app.get(
    '/admin/experiments',
    {
      schema: {
        tags: ['admin'],
        summary: 'List experiments',
        security,
        response: { 200: experimentListResponse, ...errors },
      },
    },
    async () => ({ experiments: await store.all() }),
  );
  app.post(
    '/admin/experiments',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Create an experiment (A/B or team-draft interleaving of ranking profiles, rule sets or suggestion settings)',
        description: 'The body is checked in full by the experiment validation, which names the bad field.',
        security,
        body: { type: 'object' },
        response: { 201: looseObject, ...errors },
      },
    },
    async (req, reply) => {
      const x = await store.create(req.body, admin.require(req));
      req.log.info({ actor: x.created_by, experiment: x.id }, 'experiment created');
      return reply.status(201).send(x);
    },
  );
  app.get(
    '/admin/experiments/:id',
    {
      schema: {
        tags: ['admin'],
        summary:
          'An experiment and its results so far (per variant, against the control; "not enough data yet" below the minimum)',
        security,
        params: experimentIdParams,
        response: { 200: looseObject, ...errors },
      },
    },
    async (req) => {
      const x = await found(req.params.id);
      return { experiment: x, results: await deps.results(x) };
    },
  );
  app.post(
    '/admin/experiments/:id/stop',
    {
      schema: {
        tags: ['admin'],
        summary: 'Stop an experiment: every session gets the normal service again (it cannot restart)',
        security,
        params: experimentIdParams,
        response: { 200: looseObject, ...errors },
      },
    },
    async (req) => {
      await found(req.params.id);
      const x = await store.stop(req.params.id, admin.require(req));
      req.log.info({ actor: x.stopped_by, experiment: x.id }, 'experiment stopped');
      return x;
    },
  );
}
