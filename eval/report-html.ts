// Reports people want to look at: a self-contained HTML page (charts rendered to inline SVG with
// Vega-Lite, no scripts, no network) and a short Markdown summary for a pull request.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { RecsEvalReport } from './runners/recs.ts';
import type { SearchEvalReport } from './runners/search.ts';
import type { SuggestEvalReport } from './runners/suggest.ts';

export type EvalReport = SearchEvalReport | SuggestEvalReport | RecsEvalReport;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const f = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(4));

/** A Vega-Lite chart as an SVG string (no scripts: pages with a strict content policy can show it). */
export async function svg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

const size = { width: 520, height: 240 } as const;

async function searchCharts(r: SearchEvalReport): Promise<{ title: string; svg: string }[]> {
  const curve = r.ndcg_by_k.flatMap((p) => [
    { k: p.k, run: r.profile, ndcg: p.ours },
    ...(p.baseline !== undefined ? [{ k: p.k, run: 'BM25 baseline', ndcg: p.baseline }] : []),
  ]);
  const key = `ndcg@${r.k}`;
  const charts = [
    {
      title: 'NDCG by cutoff',
      svg: await svg({
        ...size,
        data: { values: curve },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'k', type: 'quantitative' },
          y: { field: 'ndcg', type: 'quantitative', scale: { domain: [0, 1] } },
          color: { field: 'run', type: 'nominal' },
        },
      }),
    },
    {
      title: `Distribution of per-query ${key}`,
      svg: await svg({
        ...size,
        data: {
          values: r.per_query.flatMap((q) => [
            { run: r.profile, v: q.metrics[key] },
            ...(q.baseline ? [{ run: 'BM25 baseline', v: q.baseline[key] }] : []),
          ]),
        },
        // Overlaid, not stacked: each run's bar starts at zero so the two can be compared.
        mark: { type: 'bar', opacity: 0.55 },
        encoding: {
          x: { field: 'v', type: 'quantitative', bin: { maxbins: 10 }, title: key },
          y: { aggregate: 'count', type: 'quantitative', stack: null, title: 'queries' },
          color: { field: 'run', type: 'nominal' },
        },
      }),
    },
  ];
  if (r.baseline) {
    const deltas = r.per_query
      .map((q) => ({ id: q.id, delta: q.metrics[key]! - q.baseline![key]! }))
      .sort((a, b) => a.delta - b.delta);
    charts.push({
      title: `Per-query ${key} difference from the baseline (each bar a query)`,
      svg: await svg({
        ...size,
        data: { values: deltas.map((d, i) => ({ ...d, rank: i })) },
        mark: 'bar',
        encoding: {
          x: { field: 'rank', type: 'ordinal', axis: null, title: 'queries, worst to best' },
          y: { field: 'delta', type: 'quantitative' },
          color: { condition: { test: 'datum.delta < 0', value: '#c0392b' }, value: '#2e86c1' },
        },
      }),
    });
  }
  return charts;
}

async function suggestCharts(r: SuggestEvalReport): Promise<{ title: string; svg: string }[]> {
  const points = Array.from({ length: 10 }, (_, i) => i + 1).flatMap((n) => [
    { chars: n, run: 'suggester', success: r.metrics[`success_after_${n}`] ?? 0 },
    { chars: n, run: 'prefix-frequency baseline', success: r.baseline[`success_after_${n}`] ?? 0 },
  ]);
  return [
    {
      title: 'Share of searches whose query is suggested, by characters typed',
      svg: await svg({
        ...size,
        data: { values: points },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'chars', type: 'quantitative', title: 'characters typed' },
          y: { field: 'success', type: 'quantitative', scale: { domain: [0, 1] } },
          color: { field: 'run', type: 'nominal' },
        },
      }),
    },
  ];
}

/** Every metric any recommender reported, in order of first appearance (baselines answer one task or both). */
const recsMetricKeys = (r: RecsEvalReport): string[] => [...new Set(r.results.flatMap((x) => Object.keys(x.metrics)))];

async function recsCharts(r: RecsEvalReport): Promise<{ title: string; svg: string }[]> {
  const metrics = recsMetricKeys(r).filter((m) => m !== 'popularity_bias');
  const buckets = r.results.flatMap((x) =>
    x.recall_by_popularity.map((b) => ({ recommender: x.name, bucket: b.bucket, recall: b.recall })),
  );
  const order = r.results[0]?.recall_by_popularity.map((b) => b.bucket) ?? [];
  const targets = r.results[0]?.recall_by_popularity.map((b) => `${b.bucket}: ${b.targets}`).join(', ') ?? '';
  return [
    {
      title: 'Each metric per recommender',
      svg: await svg({
        ...size,
        data: {
          values: r.results.flatMap((x) =>
            metrics.flatMap((m) => (m in x.metrics ? [{ recommender: x.name, metric: m, value: x.metrics[m] }] : [])),
          ),
        },
        mark: 'bar',
        encoding: {
          column: { field: 'metric', type: 'nominal', title: null },
          x: { field: 'recommender', type: 'nominal', axis: null },
          y: { field: 'value', type: 'quantitative' },
          color: { field: 'recommender', type: 'nominal', sort: r.results.map((x) => x.name) },
        },
        width: 90,
      } as TopLevelSpec),
    },
    {
      title: `Next-basket recall@${r.k.next_basket} by the target item's popularity (training purchases, least bought fifth first; target items per bucket: ${targets})`,
      svg: await svg({
        ...size,
        data: { values: buckets },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'bucket', type: 'ordinal', sort: order, title: 'popularity percentile of the item' },
          y: { field: 'recall', type: 'quantitative' },
          color: { field: 'recommender', type: 'nominal', sort: r.results.map((x) => x.name) },
        },
      }),
    },
  ];
}

function recsTable(r: RecsEvalReport): string {
  const keys = recsMetricKeys(r);
  const head = `<tr><th>recommender</th>${keys.map((k) => `<th>${escapeHtml(k)}</th>`).join('')}<th>train s</th></tr>`;
  const rows = r.results
    .map(
      (x) =>
        `<tr><td>${escapeHtml(x.name)}</td>${keys.map((k) => `<td>${f(x.metrics[k])}</td>`).join('')}<td>${x.train_seconds}</td></tr>`,
    )
    .join('');
  return `<table><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

interface Column {
  name: string;
  values: Record<string, number> | undefined;
}

/** Ours, the same-run baseline, and for suggestions what knowing the replayed counts would reach. */
const columnsOf = (r: SearchEvalReport | SuggestEvalReport): Column[] => [
  { name: 'ours', values: r.metrics },
  { name: 'baseline (same run)', values: r.baseline },
  ...(r.runner === 'suggest'
    ? [
        { name: "ours + shopper's recent searches", values: r.with_recent_searches.metrics },
        { name: "baseline + shopper's recent searches", values: r.with_recent_searches.baseline },
        { name: 'ceiling: these suggestions', values: r.ceiling.suggestions },
        { name: 'ceiling: any query', values: r.ceiling.any_query },
      ]
    : []),
];

function metricTable(columns: Column[], keys: string[]): string {
  const rows = keys
    .map((k) => `<tr><td>${escapeHtml(k)}</td>${columns.map((c) => `<td>${f(c.values?.[k])}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr><th>metric</th>${columns.map((c) => `<th>${escapeHtml(c.name)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
}

const headlineKeys = (r: SearchEvalReport | SuggestEvalReport): string[] =>
  r.runner === 'search'
    ? Object.keys(r.metrics)
    : Object.keys(r.metrics).filter((k) => !k.startsWith('success_after_'));

export async function reportHtml(r: EvalReport, title: string): Promise<string> {
  const charts =
    r.runner === 'search'
      ? await searchCharts(r)
      : r.runner === 'suggest'
        ? await suggestCharts(r)
        : await recsCharts(r);
  const summary =
    r.runner === 'search'
      ? `${r.queries} judged queries, profile <code>${escapeHtml(r.profile)}</code>, cutoff ${r.k}.`
      : r.runner === 'suggest'
        ? `${r.test_queries} distinct replayed queries (${r.test_searches} searches), suggestions built from ${r.train_searches} earlier searches.`
        : `Trained on ${r.train.baskets} baskets; ${r.tasks.next_basket_customers} customers' next baskets and ${r.tasks.completion_baskets} baskets to complete, from ${escapeHtml(r.test_from ?? '–')}.`;
  const table = r.runner === 'recs' ? recsTable(r) : metricTable(columnsOf(r), headlineKeys(r));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}
figure{margin:1.5rem 0}figcaption{font-weight:600;margin-bottom:.4rem}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${summary}</p>
${table}
${charts.map((c) => `<figure><figcaption>${escapeHtml(c.title)}</figcaption>${c.svg}</figure>`).join('\n')}
</body></html>
`;
}

export function reportMarkdown(r: EvalReport, title: string): string {
  if (r.runner === 'recs') {
    const keys = recsMetricKeys(r);
    const rows = r.results.map((x) => `| ${x.name} | ${keys.map((k) => f(x.metrics[k])).join(' | ')} |`);
    return `${[
      `### ${title}`,
      '',
      `| recommender | ${keys.join(' | ')} |`,
      `| --- |${keys.map(() => ' --- |').join('')}`,
      ...rows,
    ].join('\n')}\n`;
  }
  const columns = columnsOf(r);
  const rows = headlineKeys(r).map((k) => `| ${k} | ${columns.map((c) => f(c.values?.[k])).join(' | ')} |`);
  return `${[
    `### ${title}`,
    '',
    `| metric | ${columns.map((c) => c.name).join(' | ')} |`,
    `| --- |${columns.map(() => ' --- |').join('')}`,
    ...rows,
  ].join('\n')}\n`;
}
