// Training in named stages: each gets a progress line (count, rate and, when its size is known,
// ETA; common/progress.ts) and its wall time, and the run ends with a table of them.
import { createProgress } from '../common/progress.ts';

export interface StageTiming {
  stage: string;
  seconds: number;
  /** Units of work done (interactions, items, baskets, customers). */
  count: number;
}

export interface StageTimer {
  run<T>(stage: string, total: number | undefined, work: (tick: (n?: number) => void) => T | Promise<T>): Promise<T>;
  readonly timings: StageTiming[];
}

export function stageTimer(write: (line: string) => void = () => {}): StageTimer {
  const timings: StageTiming[] = [];
  return {
    timings,
    async run(stage, total, work) {
      const progress = createProgress(stage, total, write);
      const result = await work((n) => progress.tick(n));
      const { count, seconds } = progress.done();
      timings.push({ stage, seconds: Math.round(seconds * 10) / 10, count });
      return result;
    },
  };
}

/** The timings as an aligned text table, with each stage's share of the total. */
export function timingTable(timings: readonly StageTiming[]): string {
  const total = timings.reduce((a, t) => a + t.seconds, 0);
  const width = Math.max(5, ...timings.map((t) => t.stage.length));
  const rows = timings.map(
    (t) =>
      `${t.stage.padEnd(width)}  ${t.seconds.toFixed(1).padStart(8)}  ${((100 * t.seconds) / Math.max(total, 1e-9)).toFixed(0).padStart(3)}%  ${String(t.count).padStart(11)}`,
  );
  return [
    `${'stage'.padEnd(width)}  ${'seconds'.padStart(8)}  ${'share'.padStart(4)}  ${'work units'.padStart(11)}`,
    ...rows,
    `${'total'.padEnd(width)}  ${total.toFixed(1).padStart(8)}`,
  ].join('\n');
}
