// Training in named stages: each gets a progress line (count, rate and, when its size is known,
// ETA; common/progress.ts) and its wall time, and the run ends with a table of them.
import { createProgress } from '../common/progress.ts';

export interface StageTiming {
  stage: string;
  seconds: number;
  /** CPU time of the whole process (all threads) during the stage: wall time hides a busy machine. */
  cpuSeconds: number;
  /** Units of work done (interactions, items, baskets, customers). */
  count: number;
  /** The process's peak resident memory so far, at the stage's end: the stage where it jumps is the one to look at. */
  peakRssMb: number;
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
      const cpu = process.cpuUsage();
      const result = await work((n) => progress.tick(n));
      const { count, seconds } = progress.done();
      const used = process.cpuUsage(cpu);
      timings.push({
        stage,
        seconds: Math.round(seconds * 10) / 10,
        cpuSeconds: Math.round((used.user + used.system) / 1e5) / 10,
        count: Math.round(count),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      });
      return result;
    },
  };
}

/** The timings as an aligned text table, with each stage's share of the total. */
export function timingTable(timings: readonly StageTiming[]): string {
  const total = timings.reduce((a, t) => a + t.seconds, 0);
  const cpu = timings.reduce((a, t) => a + t.cpuSeconds, 0);
  const width = Math.max(5, ...timings.map((t) => t.stage.length));
  const row = (stage: string, seconds: string, share: string, cpuSeconds: string, count: string, peak: string) =>
    `${stage.padEnd(width)}  ${seconds.padStart(8)}  ${share.padStart(5)}  ${cpuSeconds.padStart(8)}  ${count.padStart(11)}  ${peak.padStart(12)}`;
  return [
    row('stage', 'seconds', 'share', 'cpu s', 'work units', 'peak RSS MB'),
    ...timings.map((t) =>
      row(
        t.stage,
        t.seconds.toFixed(1),
        `${((100 * t.seconds) / Math.max(total, 1e-9)).toFixed(0)}%`,
        t.cpuSeconds.toFixed(1),
        String(t.count),
        String(t.peakRssMb),
      ),
    ),
    row('total', total.toFixed(1), '', cpu.toFixed(1), '', String(Math.max(0, ...timings.map((t) => t.peakRssMb)))),
  ].join('\n');
}
