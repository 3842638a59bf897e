// Comparing two runs query by query: wins and losses, the mean difference with a bootstrap
// confidence interval, a paired randomization (sign-flip) test, and the queries that got much worse.
// Seeded, so the same reports always give the same figures.
import { seededRandom } from '../common/random.ts';

export interface PairedComparison {
  metric: string;
  queries: number;
  wins: number;
  losses: number;
  ties: number;
  mean_a: number;
  mean_b: number;
  mean_diff: number;
  ci95: [number, number];
  p_value: number;
  much_worse: { id: string; a: number; b: number; diff: number }[];
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** Pairs per-query values of A and B (same ids) and compares B against A. */
export function comparePaired(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
  metric: string,
  o: { resamples?: number; seed?: number; worseBy?: number } = {},
): PairedComparison {
  const ids = [...a.keys()].filter((id) => b.has(id)).sort();
  if (ids.length === 0) throw new Error('the two runs have no query in common');
  const diffs = ids.map((id) => b.get(id)! - a.get(id)!);
  const eps = 1e-12;
  const rand = seededRandom(o.seed ?? 42);
  const n = o.resamples ?? 10000;
  const observed = mean(diffs);
  // Bootstrap: resample queries with replacement.
  const boot: number[] = [];
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let i = 0; i < diffs.length; i++) sum += diffs[Math.floor(rand() * diffs.length)]!;
    boot.push(sum / diffs.length);
  }
  boot.sort((x, y) => x - y);
  // Randomization: under "no difference" each query's sign is arbitrary.
  let extreme = 0;
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (const d of diffs) sum += rand() < 0.5 ? d : -d;
    if (Math.abs(sum / diffs.length) >= Math.abs(observed) - eps) extreme++;
  }
  const worseBy = o.worseBy ?? 0.1;
  return {
    metric,
    queries: ids.length,
    wins: diffs.filter((d) => d > eps).length,
    losses: diffs.filter((d) => d < -eps).length,
    ties: diffs.filter((d) => Math.abs(d) <= eps).length,
    mean_a: mean(ids.map((id) => a.get(id)!)),
    mean_b: mean(ids.map((id) => b.get(id)!)),
    mean_diff: observed,
    ci95: [boot[Math.floor(0.025 * n)]!, boot[Math.min(n - 1, Math.floor(0.975 * n))]!],
    p_value: (extreme + 1) / (n + 1),
    much_worse: ids
      .map((id) => ({ id, a: a.get(id)!, b: b.get(id)!, diff: b.get(id)! - a.get(id)! }))
      .filter((x) => x.diff <= -worseBy)
      .sort((x, y) => x.diff - y.diff),
  };
}

const f = (x: number) => x.toFixed(4);

/** A short Markdown summary for a pull request. */
export function comparisonMarkdown(c: PairedComparison, labelA: string, labelB: string): string {
  const lines = [
    `### ${c.metric}: ${labelB} vs ${labelA}`,
    '',
    `| | ${labelA} | ${labelB} | difference (95% CI) | p (paired randomization) |`,
    '| --- | --- | --- | --- | --- |',
    `| mean over ${c.queries} queries | ${f(c.mean_a)} | ${f(c.mean_b)} | ${c.mean_diff >= 0 ? '+' : ''}${f(c.mean_diff)} (${f(c.ci95[0])} … ${f(c.ci95[1])}) | ${c.p_value.toFixed(4)} |`,
    '',
    `${c.wins} queries better, ${c.losses} worse, ${c.ties} unchanged.`,
  ];
  if (c.much_worse.length > 0) {
    lines.push(
      '',
      `Much worse (by 0.1 or more): ${c.much_worse
        .slice(0, 10)
        .map((w) => `${w.id} (${f(w.a)} → ${f(w.b)})`)
        .join(', ')}${c.much_worse.length > 10 ? ', …' : ''}`,
    );
  }
  return lines.join('\n');
}
