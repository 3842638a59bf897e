// How a long-running process stops: on SIGINT or SIGTERM it stops in order (flush, checkpoint,
// leave its consumer group), but never for longer than a grace period. A client stuck retrying
// (a deleted topic, a broker that is gone) must not keep alive a process an operator stopped.
import type { Logger } from './logger.ts';

/**
 * Resolves on the first SIGINT or SIGTERM. From then on the process has `graceMs` to stop in
 * order; past it, it exits with code 1.
 */
export async function stopRequested(graceMs: number, log: Logger): Promise<void> {
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info({ signal, graceMs }, 'stopping');
  setTimeout(() => {
    log.error({ graceMs }, 'did not stop within the grace period; exiting');
    process.exit(1);
  }, graceMs).unref();
}
