// The scheduled full retrain of the recommendation model: every period the learner that holds the
// lock runs `recommender retrain` (train from the interactions and shopper events topics, then the
// atomic publish) in a child process, so training never stalls the learner's reading. When it last
// started is kept in Redis: a restarted learner keeps the schedule, and a failed run waits a whole
// period instead of retrying at once. A run longer than the period is stopped.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from '../common/clients/redis.ts';
import type { Logger } from '../common/logger.ts';
import { spawnScript } from '../common/spawn-script.ts';

export interface RetrainOptions {
  redis: Redis;
  /** Where the start of the last retrain is kept. */
  key: string;
  everyMs: number;
  log: Logger;
  /** Counts runs by outcome (ok, failed, stopped). */
  counted: (outcome: 'ok' | 'failed' | 'stopped') => void;
  /** The child's configuration, as environment variables (the learner's own). */
  env: Record<string, string>;
}

/** `recommender retrain` beside this module: compiled JavaScript when the learner runs compiled. */
function startRecommenderRetrain(config: Record<string, string>): ChildProcess {
  const self = fileURLToPath(import.meta.url);
  const options: SpawnOptions = { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...config } };
  return self.endsWith('.js')
    ? spawn(process.execPath, [path.join(path.dirname(self), '..', 'recommender', 'cli.js'), 'retrain'], options)
    : spawnScript('recommender/cli.ts', ['retrain'], options);
}

/** The last line of a child's standard output, kept bounded however much it prints. */
function lastLine(child: ChildProcess): () => string {
  let tail = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-64 * 1024);
  });
  return () => tail.trim().split('\n').at(-1) ?? '';
}

export function createRetrainSchedule(o: RetrainOptions) {
  let running: ChildProcess | undefined;

  /** Runs a retrain when one is due; resolves when it has ended (or none was due). */
  async function runIfDue(now = Date.now()): Promise<void> {
    if (o.everyMs <= 0 || running) return;
    const last = Number(await o.redis.get(o.key));
    if (!last) {
      // The first learner starts the clock: the model it serves was trained just before.
      await o.redis.set(o.key, String(now));
      return;
    }
    if (now - last < o.everyMs) return;
    await o.redis.set(o.key, String(now));
    o.log.info('retraining the recommendation model');
    const child = startRecommenderRetrain(o.env);
    running = child;
    const output = lastLine(child);
    const timer = setTimeout(() => {
      o.log.error({ afterMs: o.everyMs }, 'retrain still running after a whole period; stopping it');
      child.kill('SIGTERM');
    }, o.everyMs);
    try {
      const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      if (code === 0) {
        o.counted('ok');
        o.log.info({ summary: output().slice(0, 2000) }, 'retrained and published');
      } else {
        o.counted(signal ? 'stopped' : 'failed');
        o.log.error({ code, signal }, 'retrain failed; the next one is due in a period');
      }
    } finally {
      clearTimeout(timer);
      running = undefined;
    }
  }

  return {
    runIfDue,
    /** Stops a retrain in progress (the learner is stopping). */
    async stop(): Promise<void> {
      const child = running;
      if (!child) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
