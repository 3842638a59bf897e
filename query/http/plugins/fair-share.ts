// Fair shares of the service between clients (known API key, else IP): a rate limit counts
// requests, but one costly request can be worth hundreds of cheap ones, so each client also gets
// a bounded number of requests in progress and a budget of service time (milliseconds per second,
// saved up to a burst). Requests past the client's slots wait for one, in a short bounded queue (a
// page's burst of a few requests is served, a little later); past the queue, or past the budget,
// the client gets 429 before any work is done, while other clients keep their share. The 429 is held back a moment: a client answered at once would send the next
// request at once, and thousands of refusals a second cost the service as much as real work
// (measured by bench abuse); held back, each connection of it sends a few a second. Counted per
// instance, in memory bounded in bytes.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, type Registry } from 'prom-client';
import { TooManyRequestsError } from '../../../common/errors.ts';
import { memoryCache } from '../../../common/memory-cache.ts';
import type { ClientIdentity } from '../client-identity.ts';

export interface FairShareOptions {
  identity: ClientIdentity;
  /** Requests in progress per client; 0: unlimited. */
  concurrency: number;
  /** Milliseconds of service time per second per client; 0: unlimited. */
  budgetMs: number;
  registry: Registry;
}

/** Seconds of budget a client may save up and spend at once. */
const BURST_SECONDS = 10;
/** Requests a client may have waiting per slot; more are refused. */
const QUEUE_PER_SLOT = 4;
/** Longest wait for a slot before the request is refused. */
const MAX_WAIT_MS = 2000;
/** How long a refusal is held back before it is answered. */
const REFUSAL_DELAY_MS = 250;
/** A client idle this long is forgotten (its budget is full again by then). */
const IDLE_MS = BURST_SECONDS * 1000;

interface ClientShare {
  inProgress: number;
  /** Requests waiting for one of the client's slots, first come first served. */
  waiting: (() => void)[];
  /** Milliseconds of service time left; negative once overspent. */
  balance: number;
  at: number;
}

/** Service time spent for a request beyond its own wall time (parts run side by side), in ms. */
const extraWork = new WeakMap<FastifyRequest, number>();

/**
 * Charges a request for work done side by side (a multi-query's searches): the client pays the sum
 * of the parts, not the wall time of the whole, else one request of 32 searches costs what one does.
 */
export function chargeWork(req: FastifyRequest, ms: number): void {
  extraWork.set(req, (extraWork.get(req) ?? 0) + ms);
}

export const fairSharePlugin = fp(async (app: FastifyInstance, o: FairShareOptions) => {
  const burst = o.budgetMs * BURST_SECONDS;
  const shares = memoryCache<ClientShare>({ maxBytes: 8 * 2 ** 20, ttlMs: IDLE_MS, sizeOf: () => 96 });
  const refused = new Counter({
    name: 'shop_fair_share_refused_total',
    help: 'Requests refused with 429 because their client was over its share',
    labelNames: ['reason'],
    registers: [o.registry],
  });
  const shareOf = (client: string, now: number): ClientShare => {
    let s = shares.get(client);
    if (!s) {
      s = { inProgress: 0, waiting: [], balance: burst, at: now };
      shares.set(client, s);
    } else {
      s.balance = Math.min(burst, s.balance + ((now - s.at) * o.budgetMs) / 1000);
      s.at = now;
    }
    return s;
  };

  // A request's claim ends once, when it is answered or abandoned.
  const releases = new WeakMap<FastifyRequest, () => void>();
  const release = async (req: FastifyRequest) => {
    releases.get(req)?.();
    releases.delete(req);
  };
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
  /**
   * A slot for the client's request: taken at once if one is free, else handed over by a finishing
   * request after waiting in the client's queue (bounded in length and time), else none.
   */
  const slot = async (share: ClientShare): Promise<boolean> => {
    if (o.concurrency <= 0 || share.inProgress < o.concurrency) {
      share.inProgress++;
      return true;
    }
    if (share.waiting.length >= QUEUE_PER_SLOT * o.concurrency) return false;
    return new Promise<boolean>((resolve) => {
      const give = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        share.waiting.splice(share.waiting.indexOf(give), 1);
        resolve(false);
      }, MAX_WAIT_MS);
      share.waiting.push(give);
    });
  };

  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (req.routeOptions.config.rateLimit === false) return; // health and metrics
    const client = o.identity(req);
    const share = shareOf(client, performance.now());
    if (o.budgetMs > 0 && share.balance <= 0) {
      refused.inc({ reason: 'cost' });
      const wait = Math.max(1, Math.ceil(-share.balance / o.budgetMs));
      await sleep(REFUSAL_DELAY_MS);
      throw new TooManyRequestsError(`this client used more than its share of the service; retry in ${wait} s`, wait);
    }
    if (!(await slot(share))) {
      refused.inc({ reason: 'concurrency' });
      await sleep(REFUSAL_DELAY_MS);
      throw new TooManyRequestsError(
        `at most ${o.concurrency} requests per client at once, and a few waiting; retry when one has answered`,
      );
    }
    const started = performance.now();
    releases.set(req, () => {
      const t = performance.now();
      const spent = Math.max(t - started, extraWork.get(req) ?? 0);
      share.balance = Math.min(burst, share.balance + ((t - share.at) * o.budgetMs) / 1000) - spent;
      share.at = t;
      // Written back: an entry evicted while the request ran returns with what it spent.
      shares.set(client, share);
      // The slot goes to the next waiting request, if any, else it is free.
      const next = share.waiting.shift();
      if (next) next();
      else share.inProgress--;
    });
  });
});
