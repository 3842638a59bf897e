// `eval recs`: no servers needed, training and measuring happen in this process (and the Python
// baselines in a child process).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { readProducts } from '../catalog/read.ts';
import { parseDate } from '../common/dates.ts';
import type { Interaction } from '../recommender/interactions/interaction.ts';
import { readInteractionsFile } from '../recommender/interactions/read-file.ts';
import { applySettings } from '../recommender/training-settings.ts';
import { defaultTrainingOptions } from '../recommender/training-options.ts';
import { pythonBaselines } from './python-baselines.ts';
import { reportHtml, reportMarkdown } from './report-html.ts';
import { evalRecs } from './runners/recs.ts';
import { tunedBaselines } from './tuned-baselines.ts';

const say = (s: string) => process.stderr.write(`[eval] ${s}\n`);

async function read(file: string): Promise<Interaction[]> {
  const { interactions, report } = await readInteractionsFile(file);
  say(`${file}: ${interactions.length} interactions (${JSON.stringify(report)})`);
  return interactions;
}

/** The train and test interactions, from two files or one file split by time. */
export async function trainAndTest(values: {
  interactions?: string;
  cutoff?: string;
  until?: string;
  train?: string;
  test?: string;
}): Promise<{ train: Interaction[]; test: Interaction[] }> {
  if (values.train || values.test) {
    if (!values.train || !values.test) throw new Error('--train and --test go together');
    if (values.interactions || values.cutoff)
      throw new Error('give either --train and --test, or --interactions and --cutoff');
    return { train: await read(values.train), test: await read(values.test) };
  }
  if (!values.interactions || !values.cutoff)
    throw new Error('give --train FILE --test FILE, or --interactions FILE --cutoff DATE');
  const cutoff = parseDate(values.cutoff, '--cutoff');
  // --until leaves a later period out entirely, so parameters can be chosen on a window before a test period.
  const until = values.until === undefined ? Infinity : parseDate(values.until, '--until');
  const all = await read(values.interactions);
  return {
    train: all.filter((x) => x.time < cutoff),
    test: all.filter((x) => x.time >= cutoff && x.time < until),
  };
}

/** The options of the commands measured on a recommendation split: its files, baselines and settings. */
export const splitOptions = {
  interactions: { type: 'string' },
  cutoff: { type: 'string' },
  until: { type: 'string' },
  'validation-days': { type: 'string', default: '60' },
  train: { type: 'string' },
  test: { type: 'string' },
  'no-python': { type: 'boolean' },
  set: { type: 'string', multiple: true },
  out: { type: 'string' },
  k: { type: 'string', default: '20' },
} as const;

export async function recsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...splitOptions,
      catalog: { type: 'string' },
      html: { type: 'string' },
      'completion-k': { type: 'string', default: '10' },
    },
  });
  const { train, test } = await trainAndTest(values);
  const options = applySettings(defaultTrainingOptions, values.set ?? []);
  const k = { next: Number(values.k), completion: Number(values['completion-k']) };
  const report = await evalRecs({
    train,
    test,
    products: values.catalog ? await readProducts(values.catalog) : undefined,
    options,
    k,
    external: async (before, tasks) => [
      ...tunedBaselines(before, {
        k,
        validationDays: Number(values['validation-days']),
        seed: options.item2vec.seed,
        progress: say,
      }),
      ...(values['no-python'] ? [] : await pythonBaselines(before, tasks, k, say)),
    ],
    progress: say,
  });
  if (values.out) fs.writeFileSync(values.out, JSON.stringify(report, null, 2));
  if (values.html) {
    const title = `eval recs — ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`;
    fs.writeFileSync(values.html, await reportHtml(report, title));
    fs.writeFileSync(`${values.html.replace(/\.html?$/, '')}.md`, reportMarkdown(report, title));
    say(`wrote ${values.html} and its Markdown summary`);
  }
  for (const r of report.results)
    say(
      `${r.name.padEnd(14)} ${Object.entries(r.metrics)
        .map(([m, v]) => `${m} ${v.toFixed(4)}`)
        .join('  ')}  (train ${r.train_seconds}s)${r.params ? ` ${JSON.stringify(r.params)}` : ''}`,
    );
  const [ours, ...others] = report.results;
  const baseline = others.find((r) => r.name === 'popularity');
  console.log(
    JSON.stringify({
      tasks: report.tasks,
      metrics: ours!.metrics,
      baseline: baseline!.metrics,
      results: report.results.map(({ name, metrics }) => ({ name, metrics })),
    }),
  );
  return 0;
}
