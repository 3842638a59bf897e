// Online experiments live in Redis: one hash of experiments by id and a revision counter bumped in
// the same transaction as every change (the service polls it and reloads, like the rules). An
// experiment is created whole and validated first; it can be stopped, never edited or restarted,
// so its results always describe one setting. Two experiments that could take the same session on
// the same surface at the same time are refused: a shopper is in at most one.
import type { Redis } from '../common/clients/redis.ts';
import { BadRequestError, NotFoundError } from '../common/errors.ts';
import { overlaps } from '../ranking/experiments/assign.ts';
import { type Experiment, validateExperiment } from '../ranking/experiments/experiment.ts';
import type { KeySpace } from './keys.ts';

export interface ExperimentStore {
  all(): Promise<Experiment[]>;
  get(id: string): Promise<Experiment | undefined>;
  revision(): Promise<number>;
  create(input: unknown, actor: string): Promise<Experiment>;
  stop(id: string, actor: string): Promise<Experiment>;
}

export function redisExperimentStore(
  redis: Redis,
  keys: KeySpace['experiments'],
  profiles: readonly string[],
  now: () => number = Date.now,
): ExperimentStore {
  const get = async (id: string): Promise<Experiment | undefined> => {
    const raw = await redis.hget(keys.experiments, id);
    return raw === null ? undefined : (JSON.parse(raw) as Experiment);
  };
  const all = async (): Promise<Experiment[]> =>
    Object.values(await redis.hgetall(keys.experiments))
      .map((raw) => JSON.parse(raw) as Experiment)
      .sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id));
  const write = async (x: Experiment) => {
    const results = await redis.multi().hset(keys.experiments, x.id, JSON.stringify(x)).incr(keys.revision).exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('experiment transaction aborted');
  };
  return {
    all,
    get,
    async revision() {
      return Number((await redis.get(keys.revision)) ?? 0);
    },
    async create(input, actor) {
      const x: Experiment = {
        ...validateExperiment(input, profiles),
        created_at: new Date(now()).toISOString(),
        created_by: actor,
      };
      const existing = await all();
      if (existing.some((e) => e.id === x.id)) throw new BadRequestError(`an experiment "${x.id}" exists`, 'id');
      const clash = existing.find((e) => overlaps(e, x));
      if (clash)
        throw new BadRequestError(
          `experiment "${clash.id}" runs on ${x.surface} at the same time; stop it or choose another start`,
          'start',
        );
      await write(x);
      return x;
    },
    async stop(id, actor) {
      const x = await get(id);
      if (!x) throw new NotFoundError(`no experiment "${id}"`);
      if (x.stopped_at) return x;
      const stopped = { ...x, stopped_at: new Date(now()).toISOString(), stopped_by: actor };
      await write(stopped);
      return stopped;
    },
  };
}
