// npm run eval -- <search|suggest|recs|ranker-ceiling|judgments|compare> [options]; the last line of standard output is a JSON summary.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createEsClient } from '../common/clients/elasticsearch.ts';
import { loadConfig } from '../common/config.ts';
import { stackUp } from '../stack/stack.ts';
import { readSearchLog, type LoggedSearch } from '../query/suggest/build/sources.ts';
import { evalIndexFor } from './catalog-index.ts';
import { comparePaired, comparisonMarkdown } from './compare.ts';
import { readQrels, readQueries, trecRunLines } from './judgments.ts';
import { reportHtml, reportMarkdown, type EvalReport } from './report-html.ts';
import { evalSearch } from './runners/search.ts';
import { evalSuggest } from './runners/suggest.ts';
import { liveSearchEval } from './live/search-command.ts';
import { liveSuggestEval } from './live/suggest-command.ts';
import { judgmentsCommand } from './judgments-command.ts';
import { rankerCeilingCommand } from './ranker-ceiling-command.ts';
import { recsCommand } from './recs-command.ts';
import { categoryPathString } from '../catalog/product.ts';
import { readProducts } from '../catalog/read.ts';
import { parseDate } from '../common/dates.ts';
import { readClickLog } from '../ranking/learn/click-log.ts';
import { learnFromClicks } from '../ranking/learn/click-model.ts';
import { learnedLookup, type LearnedLookup } from '../ranking/learn/learned-lookup.ts';
import { validateRule } from '../ranking/rules/validate.ts';
import { runCli } from '../common/cli.ts';

const usage = `usage:
  eval search --queries Q.tsv --qrels R.qrels [--catalog FILE] [--profile P] [--k 10] [--baseline] [--clicks CLICKS.csv --cutoff DATE [--live [--until DATE] [--settle-every MINUTES (60)]]] [--rules RULES.json] [--run FILE] [--out FILE] [--html FILE]
  eval judgments --clicks CLICKS.csv --out PREFIX [--from DATE] [--to DATE] [--min-clicks 3]
  eval compare A.json [B.json] [--metric ndcg@10]   (one report: ours vs its baseline; two: B vs A)
  eval suggest --log QUERIES.csv [--train-log EARLIER.csv] [--cutoff DATE] [--catalog FILE] [--k 8] [--min-users N] [--no-catalog-phrases] [--live [--until DATE] [--settle-every MINUTES (0: every search)]] [--out FILE] [--html FILE]
  eval recs (--interactions FILE --cutoff DATE [--until DATE] | --train FILE --test FILE) [--validation-days 60] [--catalog FILE] [--no-python] [--set option=value ...] [--out FILE] [--html FILE]
  eval ranker-ceiling (--interactions FILE --cutoff DATE [--until DATE] | --train FILE --test FILE) [--validation-days 60] [--no-python] [--set option=value ...] [--k 20] [--out FILE]`;

const say = (s: string) => process.stderr.write(`[eval] ${s}\n`);

async function readAll(file: string): Promise<LoggedSearch[]> {
  const out: LoggedSearch[] = [];
  for await (const s of readSearchLog(file)) out.push(s);
  return out;
}

interface ReportFile {
  profile?: string;
  per_query: { id: string; metrics: Record<string, number>; baseline?: Record<string, number> }[];
}

function compareReports(files: string[], metric: string): number {
  const read = (f: string) => {
    if (!fs.existsSync(f)) throw new Error(`report not found: ${f}`);
    const r = JSON.parse(fs.readFileSync(f, 'utf8')) as ReportFile;
    if (!Array.isArray(r.per_query))
      throw new Error(`${f} is not an eval report with per-query results (write one with --out)`);
    return r;
  };
  const perQuery = (r: ReportFile, side: 'metrics' | 'baseline') =>
    new Map(
      r.per_query.map((q) => {
        const v = q[side]?.[metric];
        if (v === undefined) throw new Error(`query ${q.id} has no ${side} value for "${metric}"`);
        return [q.id, v] as const;
      }),
    );
  const a = read(files[0]!);
  const [left, right, labels] = files[1]
    ? [perQuery(a, 'metrics'), perQuery(read(files[1]), 'metrics'), [files[0]!, files[1]]]
    : [perQuery(a, 'baseline'), perQuery(a, 'metrics'), ['baseline', a.profile ?? 'ours']];
  const c = comparePaired(left, right, metric);
  console.log(comparisonMarkdown(c, labels[0]!, labels[1]!));
  console.log(JSON.stringify(c));
  return 0;
}

/** Click signals learned from the clicks before the cutoff, with categories from the catalog file. */
async function learnedBefore(
  file: string,
  cutoff: string | undefined,
  catalog: string | undefined,
): Promise<LearnedLookup> {
  if (!cutoff) throw new Error('--clicks needs --cutoff: judgments must not be learned from');
  const asOf = parseDate(cutoff, '--cutoff');
  const categories = new Map<string, string>();
  if (catalog)
    for (const p of await readProducts(catalog))
      if (p.categories?.length) categories.set(p.id, categoryPathString(p.categories));
  const learned = learnFromClicks(await readClickLog(file), (id) => categories.get(id), asOf - 1);
  say(`learned from clicks before ${cutoff}: ${learned.size} queries`);
  return learnedLookup(learned);
}

async function main(argv: string[]): Promise<number> {
  const [runner, ...rest] = argv;
  if (runner === 'recs') return recsCommand(rest);
  if (runner === 'ranker-ceiling') return rankerCeilingCommand(rest);
  if (runner === 'judgments') return judgmentsCommand(rest);
  if (runner === 'compare') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { metric: { type: 'string', default: 'ndcg@10' } },
    });
    if (positionals.length < 1 || positionals.length > 2) throw new Error(usage);
    return compareReports(positionals, values.metric!);
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      queries: { type: 'string' },
      qrels: { type: 'string' },
      catalog: { type: 'string' },
      profile: { type: 'string', default: 'default' },
      k: { type: 'string' },
      baseline: { type: 'boolean' },
      run: { type: 'string' },
      out: { type: 'string' },
      log: { type: 'string' },
      'train-log': { type: 'string' },
      cutoff: { type: 'string' },
      'min-users': { type: 'string' },
      'no-catalog-phrases': { type: 'boolean' },
      'max-prefix': { type: 'string', default: '20' },
      html: { type: 'string' },
      clicks: { type: 'string' },
      rules: { type: 'string' },
      live: { type: 'boolean' },
      until: { type: 'string' },
      'settle-every': { type: 'string' },
    },
  });
  if (runner !== 'search' && runner !== 'suggest') {
    console.error(usage);
    return 2;
  }
  const config = loadConfig();
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
    say('interrupted: finishing the current query and reporting what was measured');
  });
  await stackUp(config, say);
  const es = await createEsClient(config, { requestTimeoutMs: 60000 });
  const alias = values.catalog ? await evalIndexFor(es, config, values.catalog, say) : config.indexAlias;
  let report: Record<string, unknown> & { per_query?: unknown };
  let summary: Record<string, unknown>;
  if (runner === 'search') {
    if (!values.queries || !values.qrels) throw new Error('--queries and --qrels are required');
    const queries = readQueries(values.queries);
    const qrels = readQrels(values.qrels, queries);
    const learned = values.clicks ? await learnedBefore(values.clicks, values.cutoff, values.catalog) : undefined;
    if (values.live) {
      if (!values.clicks || !learned) throw new Error('--live replays a click log: give --clicks and --cutoff');
      const r = await liveSearchEval({
        config,
        es,
        alias,
        queries,
        qrels,
        k: Number(values.k ?? 10),
        clicksFile: values.clicks,
        cutoff: parseDate(values.cutoff!, '--cutoff'),
        ...(values.until ? { until: parseDate(values.until, '--until') } : {}),
        settleEveryMs: Number(values['settle-every'] ?? 60) * 60_000,
        offline: learned,
        say,
        interrupted: () => stop,
      });
      if (values.out) fs.writeFileSync(values.out, JSON.stringify(r, null, 2));
      const { per_query: _, ...summaryOfLive } = r;
      await es.close();
      console.log(JSON.stringify(summaryOfLive));
      return stop ? 130 : 0;
    }
    const rules = values.rules ? (JSON.parse(fs.readFileSync(values.rules, 'utf8')) as unknown[]) : undefined;
    const r = await evalSearch({
      es,
      alias,
      queries,
      qrels,
      k: Number(values.k ?? 10),
      profile: values.profile!,
      baseline: values.baseline ?? false,
      ...(learned ? { learned } : {}),
      ...(rules
        ? { rules: rules.map((x, i) => validateRule(x, { redirectHosts: config.redirectHosts }, `rules.${i}`)) }
        : {}),
      interrupted: () => stop,
    });
    if (values.run)
      fs.writeFileSync(
        values.run,
        `${r.per_query.flatMap((q) => trecRunLines(q.id, q.ranked, `shopsearch-${r.profile}`)).join('\n')}\n`,
      );
    report = { ...r };
    summary = {
      queries: r.queries,
      metrics: r.metrics,
      ...(r.baseline ? { baseline: r.baseline } : {}),
      ...(r.interrupted ? { interrupted: true } : {}),
    };
  } else {
    if (!values.log) throw new Error('--log is required');
    const cutoff = values.cutoff ? Date.parse(values.cutoff) : undefined;
    if (values.cutoff && !Number.isFinite(cutoff)) throw new Error(`--cutoff is not a date: ${values.cutoff}`);
    const log = await readAll(values.log);
    if (values.live) {
      if (cutoff === undefined) throw new Error('--live replays the log around a cutoff: give --cutoff');
      const r = await liveSuggestEval({
        config,
        es,
        alias,
        searches: log,
        withCatalog: !values['no-catalog-phrases'],
        k: Number(values.k ?? 8),
        maxPrefix: Number(values['max-prefix']),
        cutoff,
        ...(values.until ? { until: parseDate(values.until, '--until') } : {}),
        // Before every search by default, as fresh as the service (the learner publishes within a second).
        settleEveryMs: Number(values['settle-every'] ?? 0) * 60_000,
        say,
        interrupted: () => stop,
      });
      if (values.out) fs.writeFileSync(values.out, JSON.stringify(r, null, 2));
      await es.close();
      console.log(JSON.stringify(r));
      return stop ? 130 : 0;
    }
    const trainSource = values['train-log'] ? await readAll(values['train-log']) : cutoff !== undefined ? log : [];
    // The replayed searches never feed the source they are measured on.
    const train = cutoff !== undefined ? trainSource.filter((s) => (s.time ?? Infinity) < cutoff) : trainSource;
    const test = cutoff !== undefined ? log.filter((s) => (s.time ?? -Infinity) >= cutoff) : log;
    if (values['train-log'] === values.log && cutoff === undefined)
      throw new Error('the train log is the replayed log: give --cutoff to split it by time');
    const r = await evalSuggest({
      es,
      alias,
      train,
      test,
      k: Number(values.k ?? 8),
      minUsers: Number(values['min-users'] ?? config.suggestMinUsers),
      withCatalog: !values['no-catalog-phrases'],
      maxPrefix: Number(values['max-prefix']),
      keepRecent: config.recentSearches,
      recentTtlMs: config.recentSearchesTtlDays * 86400000,
      interrupted: () => stop,
    });
    report = { ...r };
    summary = {
      queries: r.test_queries,
      metrics: r.metrics,
      baseline: r.baseline,
      unseen: r.unseen,
      seen: r.seen,
      ceiling: r.ceiling,
      with_recent_searches: r.with_recent_searches,
      ...(r.interrupted ? { interrupted: true } : {}),
    };
  }
  if (values.out) fs.writeFileSync(values.out, JSON.stringify(report, null, 2));
  if (values.html) {
    const title = `eval ${runner} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`;
    fs.writeFileSync(values.html, await reportHtml(report as unknown as EvalReport, title));
    fs.writeFileSync(
      `${values.html.replace(/\.html?$/, '')}.md`,
      reportMarkdown(report as unknown as EvalReport, title),
    );
    say(`wrote ${values.html} and its Markdown summary`);
  }
  await es.close();
  console.log(JSON.stringify(summary));
  return stop ? 130 : 0;
}

runCli('eval', main);
