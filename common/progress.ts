// Progress of a long job on standard error: count, rate and, when the total is known, ETA.
export interface Progress {
  tick(n?: number): void;
  done(): { count: number; seconds: number; perSecond: number };
}

export function createProgress(
  label: string,
  total?: number,
  write: (s: string) => void = (s) => process.stderr.write(s),
  everyMs = 1000,
): Progress {
  const t0 = performance.now();
  let count = 0;
  let last = t0;
  const line = (now: number) => {
    const secs = (now - t0) / 1000;
    const rate = secs > 0 ? count / secs : 0;
    const eta = total !== undefined && rate > 0 ? ` ETA ${Math.max(0, Math.ceil((total - count) / rate))}s` : '';
    const of = total !== undefined ? `/${total} (${Math.floor((count / Math.max(1, total)) * 100)}%)` : '';
    return `${label}: ${count}${of} ${Math.round(rate)}/s${eta}`;
  };
  return {
    tick(n = 1) {
      count += n;
      const now = performance.now();
      if (now - last >= everyMs) {
        last = now;
        write(`${line(now)}\n`);
      }
    },
    done() {
      const now = performance.now();
      write(`${line(now)} done\n`);
      const seconds = (now - t0) / 1000;
      return { count, seconds, perSecond: seconds > 0 ? count / seconds : 0 };
    },
  };
}
